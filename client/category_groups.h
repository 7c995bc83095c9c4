// The violation categories in groups a worker recognises (pay, contract, hours,
// safety and health, documents and freedom, discrimination and harassment,
// other), in the order the form offers them. Every category of the taxonomy
// is in exactly one group (tested). The group names are catalog entries
// ("form.group.ID").
#pragma once

#include <string>
#include <vector>

namespace gongyou::client {

struct CategoryGroup {
  std::string id;
  std::vector<std::string> categories;  // taxonomy ids
};

const std::vector<CategoryGroup>& categoryGroups();

}  // namespace gongyou::client
