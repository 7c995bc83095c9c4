#include <catch2/catch.hpp>

#include <set>

#include "storage/relay_store.h"
#include "support/tempdir.h"

using namespace gongyou;
using storage::RelayStore;
using storage::ReplayKind;

TEST_CASE("relay store: insert and list in id order and fetch and remove") {
  test::TempDir dir;
  RelayStore store(dir.path());
  std::vector<storage::InboxId> ids;
  {
    RelayStore::Batch b(store);
    for (int i = 0; i < 25; ++i) ids.push_back(b.insert("centre-a", Bytes(100 + i, 'a'), 20000));
    b.insert("centre-b", Bytes(10, 'b'), 20001);
    b.commit();
  }
  bool more = false;
  auto first = store.list("centre-a", {}, 10, more);
  CHECK(first.size() == 10);
  CHECK(more);
  std::set<storage::InboxId> seen;
  auto page = first;
  while (true) {
    for (auto& e : page) {
      CHECK(e.day == 20000);
      CHECK(seen.insert(e.id).second);
    }
    if (!more) break;
    page = store.list("centre-a", ByteView(page.back().id.data(), 16), 10, more);
  }
  CHECK(seen.size() == 25);  // paging covers every entry once; no other centre's
  CHECK(std::is_sorted(first.begin(), first.end(), [](auto& x, auto& y) { return x.id < y.id; }));

  auto env = store.fetch("centre-a", ids[3]);
  REQUIRE(env);
  CHECK(env->data == Bytes(103, 'a'));
  CHECK_FALSE(store.fetch("centre-b", ids[3]));  // ids are scoped to their centre
  CHECK(store.fetch("centre-a", ids[3], 103));
  CHECK_FALSE(store.fetch("centre-a", ids[3], 102));  // above the limit: left out
  CHECK(store.fetchRange("centre-a", ids[3], 100, 10) == Bytes(3, 'a'));  // fewer at the end
  CHECK(store.fetchRange("centre-a", ids[3], 200, 10) == Bytes());       // none past it
  CHECK_FALSE(store.fetchRange("centre-b", ids[3], 0, 10));

  auto s = store.stats("centre-a");
  CHECK(s.count == 25);
  CHECK(s.oldestDay == 20000);
  {
    RelayStore::Batch b(store);
    CHECK(b.remove("centre-a", ids[3]));
    CHECK_FALSE(b.remove("centre-a", ids[3]));
    CHECK_FALSE(b.remove("centre-b", ids[4]));
    b.commit();
  }
  CHECK_FALSE(store.fetch("centre-a", ids[3]));
  CHECK(store.stats("centre-a").count == 24);
}

TEST_CASE("relay store: a batch without commit stores nothing") {
  test::TempDir dir;
  RelayStore store(dir.path());
  {
    RelayStore::Batch b(store);
    b.insert("centre-a", Bytes(10, 'x'), 1);
    b.putCentre("centre-a", Bytes(8, 0));
  }
  bool more;
  CHECK(store.list("centre-a", {}, 10, more).empty());
  CHECK_FALSE(store.centreBundle("centre-a"));
}

TEST_CASE("relay store: replay cache refuses a second use and expires by day") {
  test::TempDir dir;
  RelayStore store(dir.path());
  crypto::Hash h = crypto::blake2b("stamp");
  RelayStore::Batch b(store);
  CHECK(b.remember(ReplayKind::PowStamp, 100, h));
  CHECK_FALSE(b.remember(ReplayKind::PowStamp, 100, h));
  CHECK(b.remember(ReplayKind::LoginChallenge, 100, h));  // kinds are separate
  CHECK(b.remember(ReplayKind::PowStamp, 101, crypto::blake2b("other")));
  CHECK(b.expireReplay(101) == 2);  // day 100 of both kinds
  CHECK(b.remember(ReplayKind::PowStamp, 100, h));
  CHECK_FALSE(b.remember(ReplayKind::PowStamp, 101, crypto::blake2b("other")));
  b.commit();
}

TEST_CASE("relay store: mailboxes keep every reply under its own id") {
  test::TempDir dir;
  RelayStore store(dir.path());
  Bytes mbA(32, 0xAA), mbB(32, 0xAB);
  {
    RelayStore::Batch b(store);
    b.addReply(mbA, "reply 1", 5);
    b.addReply(mbA, "reply 2", 5);
    b.addReply(mbB, "other", 5);
    b.commit();
  }
  auto r = store.replies(mbA);
  CHECK(r.size() == 2);
  CHECK(store.replies(mbB).size() == 1);
  CHECK(store.replies(Bytes(32, 0)).empty());
  RelayStore::Batch b(store);
  CHECK(b.replyCount(mbA) == 2);
  b.addReply(mbB, "newer", 9);
  CHECK(b.expireReplies(6) == 3);  // everything filed on day 5
  CHECK(b.replyCount(mbA) == 0);
  CHECK(b.replyCount(mbB) == 1);
  b.commit();
  CHECK(store.replies(mbB).at(0).envelope == ByteView("newer").copy());
  CHECK(store.replies(mbB).at(0).day == 9);
}

TEST_CASE("relay store: schema version and challenge key persist and a foreign schema is refused") {
  test::TempDir dir;
  Bytes key;
  {
    RelayStore store(dir.path());
    key = store.challengeKey().view().copy();
    RelayStore::Batch b(store);
    b.putCentre("c", "bundle");
    b.commit();
  }
  {
    RelayStore store(dir.path());
    CHECK(store.challengeKey().view().copy() == key);
    CHECK(store.centreIds() == std::vector<std::string>{"c"});
    // Simulate a database from a future relay.
    auto txn = lmdb::Txn::write(store.env());
    auto meta = lmdb::Dbi::open(txn, "meta");
    lmdb::put(txn, meta, "schema", Bytes{0, 0, 0, 9});
    txn.commit();
  }
  CHECK_THROWS_WITH(RelayStore(dir.path()), Catch::Contains("schema 9"));
}

TEST_CASE("relay store: a full map is a clear error and loses nothing committed") {
  test::TempDir dir;
  lmdb::EnvOptions small;
  small.mapSize = 512 * 1024;
  RelayStore store(dir.path(), small);
  storage::InboxId kept;
  {
    RelayStore::Batch b(store);
    kept = b.insert("c", Bytes(4096, 'k'), 1);
    b.commit();
  }
  bool full = false;
  try {
    RelayStore::Batch b(store);
    for (int i = 0; i < 1000; ++i) b.insert("c", Bytes(4096, 'f'), 1);
    b.commit();
  } catch (const lmdb::MapFull&) {
    full = true;
  }
  CHECK(full);
  bool more;
  CHECK(store.list("c", {}, 10, more).size() == 1);
  CHECK(store.fetch("c", kept)->data == Bytes(4096, 'k'));
}
