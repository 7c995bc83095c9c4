#include <catch2/catch.hpp>

#include <set>

#include "client/category_groups.h"
#include "client/form.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

TEST_CASE("form: dates as people write them") {
  struct Case {
    const char* text;
    unsigned y, m, d;
  };
  for (const Case& c : {Case{"2026-10", 2026, 10, 0}, Case{"2026-10-15", 2026, 10, 15}, Case{"2026年10月", 2026, 10, 0},
                        Case{"2026年10月15日", 2026, 10, 15}, Case{"２０２６年１０月", 2026, 10, 0},
                        Case{"2026/3", 2026, 3, 0}, Case{"2026.03.02", 2026, 3, 2}, Case{" 2026 年 3 月 ", 2026, 3, 0},
                        Case{"2026－10－01", 2026, 10, 1}}) {
    INFO(c.text);
    unsigned y = 0, m = 0, d = 0;
    REQUIRE(client::parseWhen(c.text, y, m, d));
    CHECK(y == c.y);
    CHECK(m == c.m);
    CHECK(d == c.d);
  }
  for (const char* bad : {"", "2026", "2026-13", "2026-00", "26-10", "October 2026", "2026-10-0", "2026-1x", "2026年"}) {
    INFO(bad);
    unsigned y = 0, m = 0, d = 0;
    CHECK_FALSE(client::parseWhen(bad, y, m, d));
  }
}

TEST_CASE("form: dates and numbers in the worker's own conventions") {
  struct Case {
    const char* text;
    const char* language;
    unsigned y, m, d;
  };
  for (const Case& c : {
           // Day and month before the year, as most of the corridors write them; the day is
           // whichever of the two cannot be a month.
           Case{"10/2026", "vi", 2026, 10, 0}, Case{"15/10/2026", "vi", 2026, 10, 15},
           Case{"15.10.2026", "ms", 2026, 10, 15}, Case{"10/15/2026", "fil", 2026, 10, 15},
           Case{"3-2026", "id", 2026, 3, 0}, Case{"07/07/2026", "th", 2026, 7, 7},
           // Digits of the worker's script.
           Case{"២០២៦-១០", "km", 2026, 10, 0}, Case{"၂၀၂၆-၁၀-၁၅", "my", 2026, 10, 15},
           Case{"२०२६-१०", "ne", 2026, 10, 0}, Case{"১৫/১০/২০২৬", "bn", 2026, 10, 15},
           Case{"໒໐໒໖-໑໐", "lo", 2026, 10, 0},
           // The Thai Buddhist year (2569 = 2026), in Thai or Arabic digits.
           Case{"2569-10", "th", 2026, 10, 0}, Case{"๑๕/๑๐/๒๕๖๙", "th", 2026, 10, 15}}) {
    INFO(c.text << " " << c.language);
    unsigned y = 0, m = 0, d = 0;
    REQUIRE(client::parseWhen(c.text, y, m, d, c.language));
    CHECK(y == c.y);
    CHECK(m == c.m);
    CHECK(d == c.d);
  }
  // 05/06/2026 is 5 June in Hanoi and 6 May in Manila: asked again, never guessed.
  for (const char* bad : {"05/06/2026", "13/13/2026", "32/10/2026", "10/26"}) {
    INFO(bad);
    unsigned y = 0, m = 0, d = 0;
    CHECK_FALSE(client::parseWhen(bad, y, m, d, "vi"));
  }
  // Outside Thai a year of 2569 stays 2569 (the form then says it is still to come).
  unsigned y = 0, m = 0, d = 0;
  REQUIRE(client::parseWhen("2569-10", y, m, d, "vi"));
  CHECK(y == 2569);
  // Amounts in the script's digits.
  for (const char* text : {"៣៦០០", "၃,၆၀၀", "३६००", "৩৬০০", "๓๖๐๐", "໓໖໐໐"}) {
    INFO(text);
    unsigned long long v = 0;
    REQUIRE(client::parseAmount(text, v));
    CHECK(v == 360000);
  }
}

TEST_CASE("form: amounts as people write them, in fen") {
  struct Case {
    const char* text;
    unsigned long long fen;
  };
  for (const Case& c : {Case{"3600", 360000}, Case{"3,600", 360000}, Case{"3600.50", 360050}, Case{"3600.5", 360050},
                        Case{"3600元", 360000}, Case{"¥3600", 360000}, Case{"￥3,600.05", 360005},
                        Case{"３６００元", 360000}, Case{"3600 yuan", 360000}, Case{"RMB 12,000", 1200000}}) {
    INFO(c.text);
    unsigned long long v = 0;
    REQUIRE(client::parseAmount(c.text, v));
    CHECK(v == c.fen);
  }
  for (const char* bad : {"", "abc", "3600.505", "-3600", "3.600.00", "$3600", "三千"}) {
    INFO(bad);
    unsigned long long v = 0;
    CHECK_FALSE(client::parseAmount(bad, v));
  }
}

TEST_CASE("form: amounts in the currency of a centre's guidance, in its minor unit") {
  struct Case {
    const char* text;
    const char* currency;
    unsigned long long minor;
  };
  for (const Case& c : {Case{"RM 1,200.50", "MYR", 120050}, Case{"1200 ringgit", "MYR", 120000},
                        Case{"MYR1200", "MYR", 120000}, Case{"฿9,000", "THB", 900000},
                        Case{"1.200.000 ₫", "VND", 1200000}, Case{"1200000đ", "VND", 1200000},
                        Case{"Rp 1.500.000", "IDR", 150000000}, Case{"￥50,000", "JPY", 50000},
                        Case{"3600", "NPR", 360000}}) {
    INFO(c.text << " " << c.currency);
    unsigned long long v = 0;
    REQUIRE(client::parseAmount(c.text, v, c.currency));
    CHECK(v == c.minor);
  }
  // A yen or a dong has no cents; yuan signs mean nothing in ringgit.
  for (const Case& c : {Case{"50000.50", "JPY", 0}, Case{"1200.5", "VND", 0}, Case{"¥1200", "MYR", 0},
                        Case{"1200元", "THB", 0}}) {
    INFO(c.text << " " << c.currency);
    unsigned long long v = 0;
    CHECK_FALSE(client::parseAmount(c.text, v, c.currency));
  }
}

TEST_CASE("form: every category is in exactly one group and each group fits a screen") {
  std::multiset<std::string> grouped;
  for (const auto& g : client::categoryGroups()) {
    CHECK(g.categories.size() <= 10);
    for (const auto& id : g.categories) {
      CHECK(protocol::findCategory(id));
      grouped.insert(id);
    }
  }
  CHECK(client::categoryGroups().size() == 7);
  CHECK(grouped.size() == protocol::categories().size());
  for (const auto& c : protocol::categories()) CHECK(grouped.count(c.id) == 1);
}
