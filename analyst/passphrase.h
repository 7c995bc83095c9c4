// Reading the keyring passphrase: from a file named on the command line (for
// scripts and tests: first line, without its newline), or from the terminal with
// echo off. Never from an environment variable or an argument, which other
// processes can read.
//
// A new passphrase (`confirm`) must be one a cracker does not guess in years:
// whoever takes the analyst machine has the keyring, and tries passphrases
// against it as fast as scrypt lets them. Strength is estimated by zxcvbn
// (Dropbox's estimator, libzxcvbn from Debian), with the centre's own words
// as a dictionary. On the terminal a weak or mistyped one is asked again.
//
// Failure modes: std::runtime_error naming the problem (no terminal, empty
// passphrase, the two entries differ three times); WeakPassphrase, saying how
// soon it would be guessed.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/secret.h"

namespace gongyou::analyst {

class WeakPassphrase : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Below this zxcvbn estimate (log2 of the guesses it takes), a new passphrase
// is refused: 2^40 guesses at 1,000 a second is ~35 years on average.
inline constexpr double kMinPassphraseBits = 40;
inline constexpr double kCrackerGuessesPerSecond = 1000;

// Empty when `pass` is strong enough; otherwise why not, in one sentence.
std::string passphraseWeakness(ByteView pass, const std::vector<std::string>& ownWords);

SecretBytes readPassphrase(const std::string& file, const std::string& prompt, bool confirm,
                           const std::vector<std::string>& ownWords = {});

}  // namespace gongyou::analyst
