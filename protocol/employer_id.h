// An employer's registry number, as a worker can copy it from a business
// licence, a payslip or a contract. In China: the unified social credit code
// (统一社会信用代码, GB 32100-2015), 18 characters of which the last is a
// check character over the other 17, so a mistyped character is caught at the
// form and never reaches the centre as a different employer.
//
// Why it matters: a name is spelled many ways; a code names one legal entity
// (a branch has its own), so the centre's analysis groups by it when present.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gongyou::protocol {

// The code in its canonical form (capitals, no spaces or hyphens), or nullopt
// if it is not 18 characters of the code's alphabet (digits and capitals but
// I, O, S, V, Z) or its check character is wrong.
std::optional<std::string> unifiedSocialCreditCode(std::string_view text);

// Another country's registry number: up to 32 characters of letters, digits,
// "-", "/" and "."; nullopt otherwise.
std::optional<std::string> registryNumber(std::string_view text);

// The identifier for an employer in `country` (ISO 3166-1; "" is China, the
// form's default): a unified social credit code for CN, else a registry number.
std::optional<std::string> employerIdentifier(std::string_view country, std::string_view text);

}  // namespace gongyou::protocol
