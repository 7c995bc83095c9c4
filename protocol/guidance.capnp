# A centre's own guidance: what the reporter tells a worker about their rights
# where the centre works, in the centre's words, instead of the built-in texts
# (data/rights.csv, which are complete only for employers in China).
#
# Advice is what a worker acts on: a forged "go to this office" or "call this
# number" could deliver a worker to the people they report. So guidance is
# signed by the centre's long-term identity key, as bundles are, and a reporter
# shows only guidance that verifies under the identity it pinned at enrolment.
#
# The signature covers the canonical Cap'n Proto encoding of a Guidance
# (capnp::canonicalize), prefixed with the label "gongyou/guidance/v1" and a
# zero byte. SignedGuidance carries those exact canonical bytes; the file is one
# SignedGuidance in standard stream framing (protocol/guidance.h).
#
# It travels beside the bundle, not inside it: 29 categories in several
# languages outgrow the bundle's 64 KiB cap, and a worker's program fetches the
# bundle often while guidance changes a few times a year. A worker installs it
# from the centre (`gongyou-report guidance FILE`); the phone page carries it.
#
# Rules a verifier applies (protocol/guidance):
#   - the signature verifies under the pinned identity key, and centreId is the
#     pinned centre's;
#   - version > the version already installed for this centre (an old file with
#     an office that has since moved cannot replace a newer one);
#   - jurisdiction is two capital letters, currency empty or three; every categoryId is in the taxonomy,
#     at most once; every language tag is well formed, at most once per list;
#   - every text is valid UTF-8 without control characters other than line
#     breaks, and within its cap (protocol/limits.h).
@0xb24e892eac6421e5;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

using Bundle = import "bundle.capnp";

struct Guidance {
  centreId @0 :Text;
  # The centre it belongs to (bundle.capnp's centreId). Binds the file to one
  # centre even if a centre ever shared an identity key across centre ids.

  version @1 :UInt64;
  # Strictly increasing per centre, from 1.

  issuedDay @2 :UInt32;
  # Days since 1970-01-01 (UTC): shown to the worker as the date of the advice.

  jurisdiction @3 :Text;
  # ISO 3166-1 alpha-2 code of the country the advice is for ("MY"). Reports
  # made with it name this country as the workplace's.

  whereToGo @4 :List(Bundle.LocalizedText);
  # One line shown after every category's advice: the offices and hotlines
  # that take any of these problems, per language.

  categories @5 :List(CategoryGuidance);
  # A category not listed falls back to the built-in texts (China) or to the
  # international standard and "your centre will tell you" (elsewhere).

  currency @6 :Text;
  # ISO 4217 code workers there are paid in ("MYR"): the form asks for money
  # owed in it. Empty: CNY.
}

struct CategoryGuidance {
  categoryId @0 :Text;
  # An id of data/violation_taxonomy.csv, e.g. "wage_theft".

  texts @1 :List(CategoryText);
  # One per language the centre wrote.
}

struct CategoryText {
  language @0 :Text;   # BCP 47
  right @1 :Text;      # the right, in one plain sentence
  nextSteps @2 :Text;  # evidence to keep, where to go, the time limits that matter
  citation @3 :Text;   # the law, shown last; may be empty
}

struct SignedGuidance {
  guidance @0 :Data;    # canonical encoding of a Guidance
  signature @1 :Data;   # Ed25519 over "gongyou/guidance/v1" 0x00 || guidance
}
