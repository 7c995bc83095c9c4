// Reading the keyring passphrase: from a file named on the command line (for
// scripts and tests: first line, without its newline), or from the terminal with
// echo off. Never from an environment variable or an argument, which other
// processes can read.
//
// Failure modes: std::runtime_error naming the problem (no terminal, empty
// passphrase, the two entries differ).
#pragma once

#include <string>

#include "crypto/secret.h"

namespace gongyou::analyst {

SecretBytes readPassphrase(const std::string& file, const std::string& prompt, bool confirm);

}  // namespace gongyou::analyst
