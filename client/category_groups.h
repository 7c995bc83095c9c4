// The violation categories in groups a worker recognises (pay, contract, hours,
// safety and health, documents and freedom, discrimination and harassment,
// other), in the order the form offers them. Every category of the taxonomy
// is in exactly one group (tested). A group's name is an English msgid of the
// reporter's catalog.
#pragma once

#include <string>
#include <vector>

namespace gongyou::client {

struct CategoryGroup {
  std::string id;
  const char* name;  // English; shown through Messages
  std::vector<std::string> categories;  // taxonomy ids
};

const std::vector<CategoryGroup>& categoryGroups();

}  // namespace gongyou::client
