# The report a worker fills in. This struct never leaves the worker's device in
# clear: it is serialized (packed=false, one segment), padded (crypto/padding) and
# age-encrypted to the centre's recipients before anything touches a network.
#
# Evolution: add fields with the next ordinal, never renumber, never change a
# type. An old analyst ignores new fields; a new analyst sees defaults in old
# reports. Validation rules (required fields, lengths, taxonomy ids) live in
# protocol/report_check and are documented in docs/protocol.md.
@0x994416e09617e1e1;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

struct Report {
  occurred @0 :CoarseDate;
  # When it happened. Deliberately coarse: a day is optional, a time of day does
  # not exist, because an exact time can identify who was on shift.

  employer @1 :Employer;

  categories @2 :List(Text);
  # Violation category ids from the taxonomy (data/violation_taxonomy.csv), e.g.
  # "wage_arrears". At least one; unknown ids are refused before encryption.

  forcedLabourIndicators @3 :List(Text);
  # ILO forced-labour indicator ids (data/ilo_forced_labour_indicators.csv), e.g.
  # "fl_retention_of_id_documents". Optional; any one raises an alert.

  workersAffected @4 :UInt32;
  # How many workers the reporter believes are affected; 0 = not given.

  amountOwed @5 :Money;
  # Wages or compensation owed, if known.

  narrative @6 :Text;
  # What happened, in the reporter's words. Capped so that every text-only report
  # pads to the same envelope size.

  language @7 :Text;
  # BCP 47 tag of the language the report was written in ("zh-Hans", "en").

  reporterRole @8 :ReporterRole;

  replyKey @9 :Data;
  # X25519 public key (32 bytes) the centre encrypts its replies to; derived from
  # the reply code the worker keeps. Empty: the reporter wants no reply.

  attachments @10 :List(Attachment);
  # Evidence (photos, voice notes), metadata scrubbed on the device; at most 5,
  # 16 MiB each, 24 MiB together (protocol/attachments.h).
}

struct CoarseDate {
  year @0 :UInt16;   # e.g. 2026; 0 = unknown
  month @1 :UInt8;   # 1..12; 0 = unknown
  day @2 :UInt8;     # 1..31, optional; 0 = not given
}

struct Employer {
  name @0 :Text;           # as the worker knows it; the analyst normalises aliases
  address @1 :Text;
  city @2 :Text;
  province @3 :Text;       # province / state / region
  country @4 :Text;        # ISO 3166-1 alpha-2, e.g. "CN"
  industry @5 :Text;       # free text, e.g. "electronics", "construction"
  brandCustomers @6 :List(Text);  # brands the factory produces for, if known
  identifier @7 :Text;     # optional: the employer's registry number, as on a business licence,
                           # payslip or contract. For CN (or no country) China's unified social
                           # credit code, 18 characters in canonical form (capitals, no spaces)
                           # with a valid check character (GB 32100-2015; protocol/employer_id.h);
                           # elsewhere up to 32 of [A-Za-z0-9-/.]. When present the centre groups
                           # reports by it rather than by the name, which is spelled many ways.
}

struct Money {
  minorUnits @0 :UInt64;   # in the currency's minor unit (fen for CNY); 0 = unknown
  currency @1 :Text;       # ISO 4217, e.g. "CNY"
}

enum ReporterRole {
  unspecified @0;
  affectedWorker @1;        # the reporter suffered the violation
  coworker @2;              # saw it happen to others
  familyMember @3;
  workerRepresentative @4;  # elected representative, organiser
  centreStaff @5;           # entered by centre staff from a paper intake form
}

struct Attachment {
  # One piece of evidence, scrubbed of identifying metadata on the worker's
  # device before encryption. Its bytes are not in this message: they follow it
  # in the plaintext, in list order (layout: protocol/attachments.h), so a large
  # file streams through padding and encryption.
  mediaType @0 :Text;       # one of protocol/attachments.h kAttachmentTypes, e.g. "image/jpeg"
  name @1 :Text;            # a neutral name chosen by the tool ("evidence-1.jpg"), never the original file name
  data @2 :Data;            # unused, must be empty: the bytes follow the message
  removedMetadata @3 :List(Text);  # what the scrubber removed, as shown to the worker
  size @4 :UInt64;          # bytes, 1 .. 16 MiB
  hash @5 :Data;            # BLAKE2b-256 of the bytes
}
