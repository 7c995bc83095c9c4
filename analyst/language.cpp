#include "analyst/language.h"

namespace gongyou::analyst {
namespace {
const Messages* current = nullptr;
}  // namespace

void setLanguage(const std::string& flag) { current = &Messages::detect(flag, TextDomain::Analyst); }

const Messages& tr() { return current ? *current : Messages::forLanguage("en", TextDomain::Analyst); }

std::string tr_(const char* msgid, std::initializer_list<std::string> args) { return tr()(msgid, args); }

}  // namespace gongyou::analyst
