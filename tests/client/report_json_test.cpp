#include <catch2/catch.hpp>

#include "client/report_json.h"
#include "crypto/format.h"
#include "crypto/padding.h"
#include "protocol/day.h"
#include "protocol/report.capnp.h"

using namespace gongyou;

namespace {
const char kGood[] =
    R"({"employer": {"name": "东莞宏达制衣厂", "city": "东莞", "province": "广东", "country": "CN"},
        "occurred": {"year": 2026, "month": 9},
        "categories": ["id_document_retention", "excessive_hours"],
        "forcedLabourIndicators": ["fl_retention_of_id_documents"],
        "workersAffected": 60, "amountOwed": {"minorUnits": "500000", "currency": "CNY"},
        "narrative": "厂里收走了我们的身份证。", "language": "zh-Hans", "reporterRole": "coworker"})";

std::string one(const std::string& json) {
  auto r = client::parseReportsJson(json, protocol::today());
  REQUIRE(r.size() == 1);
  return r[0].message ? "ok" : r[0].error;
}
}  // namespace

TEST_CASE("report json: a full report parses onto the schema") {
  auto r = client::parseReportsJson(kGood, protocol::today());
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].message);
  auto rep = r[0].message->builder().getRoot<proto::Report>().asReader();
  CHECK(rep.getEmployer().getName() == "东莞宏达制衣厂");
  CHECK(rep.getCategories().size() == 2);
  CHECK(rep.getAmountOwed().getMinorUnits() == 500000);
  CHECK(rep.getReporterRole() == proto::ReporterRole::COWORKER);
}

TEST_CASE("report json: JSON lines give one report per line with its line number") {
  std::string lines = std::string(R"({"employer":{"name":"a"},"categories":["wage_arrears"],"language":"en"})") +
                      "\n\n" + R"({"employer":{"name":"b"},"categories":["made_up"],"language":"en"})" + "\n";
  auto r = client::parseReportsJson(lines, protocol::today());
  REQUIRE(r.size() == 2);
  CHECK(r[0].message);
  CHECK(r[0].line == 1);
  CHECK_FALSE(r[1].message);
  CHECK(r[1].line == 3);
  CHECK(r[1].error == "categories: unknown category id");
}

TEST_CASE("report json: bad input is refused with the field or the problem named") {
  const std::string base = R"("categories":["wage_arrears"],"language":"en")";
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"bogus":1})") == "not a valid report object: Unknown field \"bogus\"");
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"workersAffected":-3})").find("out-of-range") != std::string::npos);
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"amountOwed":{"minorUnits":1.5,"currency":"CNY"}})") !=
        "ok");
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"reporterRole":"boss"})").find("boss") != std::string::npos);
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"occurred":{"year":2026,"month":13}})") ==
        "occurred.month: must be 1..12");
  CHECK(one(R"({"employer":{"name":""},)" + base + "}") == "employer.name: required");
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"replyKey":[1,2,3]})").rfind("replyKey", 0) == 0);
  CHECK(one(R"({"employer":{"name":"x"},)" + base + R"(,"narrative":")" + std::string(7000, 'x') + "\"}") ==
        "narrative: longer than 6000 bytes");
  CHECK(one("{\"employer\":{\"name\":\"x\"") == "not valid JSON: column 24: unexpected end of input; expected '}'");
  CHECK(one("[1,2]") != "ok");
  // The employer's code: taken as people copy it, refused with a wrong check character.
  auto parsed = client::parseReportsJson(R"({"employer":{"name":"x","identifier":"9144 0300 7084 6113 6t"},)" + base + "}",
                                         protocol::today());
  REQUIRE(parsed.at(0).message);
  CHECK(std::string(parsed[0].message->builder().getRoot<proto::Report>().getEmployer().getIdentifier().cStr()) == "91440300708461136T");
  CHECK(one(R"({"employer":{"name":"x","identifier":"91440300708461136U"},)" + base + "}") ==
        "employer.identifier: not a unified social credit code (18 characters, check character)");
}

TEST_CASE("report json: every valid text-only report pads to one size") {
  // Smallest and largest valid reports land in the same padding bucket.
  auto small = client::parseReportsJson(R"({"employer":{"name":"x"},"categories":["other"],"language":"en"})",
                                        protocol::today());
  auto big = client::parseReportsJson(
      std::string(R"({"employer":{"name":"x"},"categories":["other"],"language":"en","narrative":")") +
          std::string(6000, 'n') + "\"}",
      protocol::today());
  REQUIRE(small[0].message);
  REQUIRE(big[0].message);
  auto a = small[0].message->serialize(), b = big[0].message->serialize();
  CHECK(padding::paddedSize(a.size()) == format::kPadTextBucket);
  CHECK(padding::paddedSize(b.size()) == format::kPadTextBucket);
}

TEST_CASE("report json: every RFC 8259 escape decodes exactly and bad escapes and lone surrogates are refused") {
  auto employer = [](const std::string& nameJson) {
    auto r = client::parseReportsJson(R"({"employer":{"name":)" + nameJson + R"(},"categories":["other"],"language":"en"})",
                                      protocol::today());
    REQUIRE(r.size() == 1);
    return r[0].message ? std::string(r[0].message->builder().getRoot<proto::Report>().getEmployer().getName().cStr())
                        : "ERROR " + r[0].error;
  };
  // Python's default json.dumps (ensure_ascii) of 东莞宏达制衣厂.
  CHECK(employer(R"("\u4e1c\u839e\u5b8f\u8fbe\u5236\u8863\u5382")") == "东莞宏达制衣厂");
  CHECK(employer(R"("\u004a\u004A")") == "JJ");
  CHECK(employer(R"("\ud83d\ude00 \ud840\udc00")") == "😀 𠀀");  // emoji, CJK Extension B
  CHECK(employer(R"("a\"b\\c\/d")") == "a\"b\\c/d");
  CHECK(employer(R"("\u00e9\u00C9")") == "éÉ");
  for (const char* bad : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\x41")", R"("\u12")", "\"\xff\""}) {
    INFO(bad);
    CHECK_THAT(employer(bad), Catch::StartsWith("ERROR not valid JSON: column"));
  }
  // The error names the position and the reason, and echoes nothing of the input.
  CHECK_THAT(employer(R"("SECRET\ud800")"), !Catch::Contains("SECRET") && Catch::Contains("surrogate"));
}

TEST_CASE("report json: Windows line breaks in the narrative are kept as line breaks and escapes are refused") {
  auto r = client::parseReportsJson(
      R"({"employer":{"name":"x"},"categories":["other"],"language":"en","narrative":"one\r\ntwo\nthree"})",
      protocol::today());
  REQUIRE(r.at(0).message);
  CHECK(std::string(r[0].message->builder().getRoot<proto::Report>().getNarrative().cStr()) == "one\ntwo\nthree");
  CHECK(one(R"({"employer":{"name":"x\u001b]0;t\u0007"},"categories":["other"],"language":"en"})") ==
        "employer.name: holds a control character");
}
