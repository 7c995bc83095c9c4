#include "protocol/employer_id.h"

#include <array>

namespace gongyou::protocol {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31: no I, O, S, V, Z
// 3^i mod 31, the weights of GB 32100-2015 for positions 1..17.
constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// Capitals, without the spaces and hyphens people write codes with.
std::string compact(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

}  // namespace

std::optional<std::string> unifiedSocialCreditCode(std::string_view text) {
  const std::string code = compact(text);
  if (code.size() != 18) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 18; ++i) {
    const auto at = kAlphabet.find(code[i]);
    if (at == std::string_view::npos) return std::nullopt;
    if (i < 17) sum += static_cast<int>(at) * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  if (code[17] != kAlphabet[static_cast<std::size_t>(check)]) return std::nullopt;
  return code;
}

std::optional<std::string> registryNumber(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '/' ||
                    c == '.';
    if (c == ' ') continue;
    if (!ok) return std::nullopt;
    out += c;
  }
  if (out.empty() || out.size() > 32) return std::nullopt;
  return out;
}

std::optional<std::string> employerIdentifier(std::string_view country, std::string_view text) {
  return country.empty() || country == "CN" ? unifiedSocialCreditCode(text) : registryNumber(text);
}

}  // namespace gongyou::protocol
