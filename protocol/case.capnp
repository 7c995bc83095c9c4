# A case: what the centre did about one report, as the desk records it.
#
# A case is a log of events that only grows; its state (status, assignee,
# outcome) is what its latest event of each kind says. Why a log: two analysts
# on two air-gapped machines each add events, and moving their updates to each
# other is then a union by event id — nobody's note is lost and nothing needs
# resolving by hand. Stored sealed in the analyst store, under the report's key
# (analyst/cases.h), like the reports themselves.
@0x914b63cd86ebfd51;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

enum CaseStatus {
  new @0;              # nobody has acted yet
  contacted @1;        # the centre reached the reporter (or answered)
  mediation @2;        # in mediation with the employer
  inspection @3;       # referred to the labour inspectorate
  arbitration @4;      # labour arbitration filed
  court @5;            # in court
  resolved @6;         # the worker got what was owed (see the outcome)
  closed @7;           # ended otherwise: `reason` says why
}

struct CaseOutcome {
  amountRecovered @0 :UInt64;  # in the currency's minor unit (fen for CNY)
  currency @1 :Text;           # ISO 4217
  workersHelped @2 :UInt32;
}

struct CaseEvent {
  id @0 :Data;         # 16 random bytes: an event merged twice is kept once
  time @1 :Int64;      # seconds since 1970 (UTC) on the analyst machine that wrote it
  author @2 :Text;     # the analyst who wrote it, as the desk was started (--analyst)
  union {
    status :group {
      to @3 :CaseStatus;
      reason @4 :Text;       # for closed: why (no contact, withdrawn, …)
    }
    note @5 :Text;           # the analyst's own words, for the centre only
    answer @6 :Text;         # what was sent to the reporter (queued like `reply`)
    assignee @7 :Text;       # who follows the case from now on ("" nobody)
    outcome @8 :CaseOutcome;
  }
}

struct Case {
  events @0 :List(CaseEvent);  # in the order they were written
}
