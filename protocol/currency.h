// ISO 4217 currencies as the report carries them (Money.minorUnits): how many
// decimals a currency's minor unit has. Written once for the form, the JSON
// input and the analysis.
#pragma once

#include <string_view>
#include <vector>

namespace gongyou::protocol {

// Three capital letters; not a check that the code is assigned.
inline bool validCurrencyCode(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c)
    if (ch < 'A' || ch > 'Z') return false;
  return true;
}

// Decimals of the minor unit (ISO 4217's exponent): 0 for the currencies the
// centres' workers are paid in that have no cents in use, 2 for the rest.
inline unsigned currencyExponent(std::string_view c) {
  for (std::string_view none : {"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"})
    if (c == none) return 0;
  return 2;
}

// How people write the currency beside a number, besides its code: what the
// form strips from an amount ("RM 1,200", "฿500", "1.200.000 ₫").
inline std::vector<const char*> currencySymbols(std::string_view c) {
  if (c == "CNY") return {"¥", "￥", "元", "人民币", "RMB", "rmb", "yuan"};
  if (c == "MYR") return {"RM", "rm", "ringgit"};
  if (c == "THB") return {"฿", "บาท", "baht"};
  if (c == "VND") return {"₫", "đồng", "đ", "VNĐ", "VND"};
  if (c == "PHP") return {"₱", "PhP", "Php"};
  if (c == "IDR") return {"Rp", "rp"};
  if (c == "BDT") return {"৳", "Tk", "টাকা"};
  if (c == "NPR") return {"रु", "Rs", "rs"};
  if (c == "KHR") return {"៛", "រៀល"};
  if (c == "LAK") return {"₭", "ກີບ"};
  if (c == "MMK") return {"ကျပ်", "Ks", "K"};
  if (c == "JPY") return {"¥", "￥", "円"};
  if (c == "USD") return {"US$", "$"};
  return {};
}

}  // namespace gongyou::protocol
