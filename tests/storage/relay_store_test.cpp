#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "storage/file.h"
#include "storage/relay_store.h"
#include "support/tempdir.h"

using namespace gongyou;
using storage::RelayStore;

TEST_CASE("relay store: insert and list in id order and fetch and remove") {
  test::TempDir dir;
  RelayStore store(dir.path());
  std::vector<storage::InboxId> ids;
  {
    RelayStore::Batch b(store);
    for (int i = 0; i < 25; ++i) ids.push_back(b.insert("centre-a", Bytes(100 + i, 'a'), 20000, {}));
    b.insert("centre-b", Bytes(10, 'b'), 20001, {});
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
    b.insert("centre-a", Bytes(10, 'x'), 1, {});
    b.putCentre("centre-a", Bytes(8, 0));
  }
  bool more;
  CHECK(store.list("centre-a", {}, 10, more).empty());
  CHECK_FALSE(store.centreBundle("centre-a"));
}

TEST_CASE("relay store: the stamp is kept with its envelope and listed with it") {
  test::TempDir dir;
  RelayStore store(dir.path());
  storage::InboxId id;
  const Bytes stamp(44, 0x5a);
  {
    RelayStore::Batch b(store);
    id = b.insert("centre-a", Bytes(3000, 'e'), 7, stamp);
    b.commit();
  }
  bool more;
  auto listed = store.list("centre-a", {}, 10, more);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].stamp == stamp);
  CHECK(listed[0].size == 3000);
  CHECK(store.fetch("centre-a", id)->stamp == stamp);
  RelayStore::Batch b(store);
  CHECK_THROWS(b.insert("centre-a", Bytes(10, 'e'), 7, Bytes(storage::kMaxStampBytes + 1, 1)));
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
  }
  {
    // Simulate a database from a future relay.
    lmdb::EnvOptions o;
    o.flags |= MDB_NOLOCK;
    lmdb::Env env(dir.path(), o);
    auto txn = lmdb::Txn::write(env);
    auto meta = lmdb::Dbi::open(txn, "meta");
    lmdb::put(txn, meta, "schema", Bytes{0, 0, 0, 9});
    txn.commit();
  }
  CHECK_THROWS_WITH(RelayStore(dir.path()), Catch::Contains("schema 9"));
}

TEST_CASE("relay store: a full store is a clear error and loses nothing committed") {
  test::TempDir dir;
  lmdb::EnvOptions small;
  small.mapSize = 512 * 1024;
  RelayStore store(dir.path(), small);
  storage::InboxId kept;
  {
    RelayStore::Batch b(store);
    kept = b.insert("c", Bytes(4096, 'k'), 1, {});
    b.commit();
  }
  bool full = false;
  try {
    RelayStore::Batch b(store);
    for (int i = 0; i < 1000; ++i) b.insert("c", Bytes(4096, 'f'), 1, {});
    b.commit();
  } catch (const storage::StoreFull&) {
    full = true;
  }
  CHECK(full);
  bool more;
  CHECK(store.list("c", {}, 10, more).size() == 1);
  CHECK(store.fetch("c", kept)->data == Bytes(4096, 'k'));
}

namespace {
std::string slurpFile(const std::string& path) {
  auto b = storage::readFile(path);
  return std::string(b.begin(), b.end());
}
}  // namespace

TEST_CASE("relay store: a schema 1 store is moved into slots and leaves nothing in LMDB's free pages") {
  test::TempDir dir;
  const Bytes live(5000, 'L'), deleted(5000, 'D');
  {
    // What a relay before the slot files wrote: envelopes in an LMDB inbox
    // (one of them acknowledged: its page is free, not wiped) and spent stamps.
    lmdb::Env env(dir.path());
    auto txn = lmdb::Txn::write(env);
    auto meta = lmdb::Dbi::open(txn, "meta");
    auto inbox = lmdb::Dbi::open(txn, "inbox");
    auto replay = lmdb::Dbi::open(txn, "replay");
    lmdb::put(txn, meta, "schema", Bytes{0, 0, 0, 1});
    auto tag = crypto::blake2b(ByteView("centre-a"));
    auto key = [&](std::uint8_t n) {
      Bytes k(tag.begin(), tag.begin() + 16);
      k.resize(32, n);
      return k;
    };
    Bytes v{0, 0, 0x4e, 0x20};  // day 20000
    append(v, live);
    lmdb::put(txn, inbox, key(1), v);
    Bytes d{0, 0, 0x4e, 0x20};
    append(d, deleted);
    lmdb::put(txn, inbox, key(2), d);
    lmdb::put(txn, replay, Bytes(37, 7), ByteView());
    txn.commit();
    auto del = lmdb::Txn::write(env);
    lmdb::del(del, inbox, key(2));
    del.commit();
  }
  REQUIRE(slurpFile(dir / "data.mdb").find(std::string(100, 'D')) != std::string::npos);  // carved, before
  RelayStore store(dir.path());
  bool more;
  auto listed = store.list("centre-a", {}, 10, more);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].day == 20000);
  CHECK(listed[0].stamp.empty());  // stored before stamps were kept
  CHECK(store.fetch("centre-a", listed[0].id)->data == live);
  const std::string db = slurpFile(dir / "data.mdb");
  CHECK(db.find(std::string(100, 'D')) == std::string::npos);
  CHECK(db.find(std::string(100, 'L')) == std::string::npos);  // it lives in a slot now
  CHECK_FALSE(storage::fileExists(dir / "lock.mdb"));
}

TEST_CASE("relay store: envelopes survive a reopen and an emptied slot is zeros") {
  test::TempDir dir;
  storage::InboxId keep, drop;
  const auto small = RelayStore::options(8 << 20);  // slot files of 8 MiB, to read whole
  {
    RelayStore store(dir.path(), small);
    RelayStore::Batch b(store);
    keep = b.insert("c", Bytes(2000, 'k'), 3, Bytes(44, 1));
    drop = b.insert("c", Bytes(2000, 'd'), 4, Bytes(44, 2));
    b.commit();
    RelayStore::Batch r(store);
    CHECK(r.remove("c", drop));
    r.commit();
  }
  RelayStore store(dir.path(), small);
  bool more;
  auto listed = store.list("c", {}, 10, more);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == keep);
  CHECK(store.stats("c").count == 1);
  CHECK(store.stats("c").oldestDay == 3);
  const std::string slots = slurpFile(dir / "envelopes/2048.slots");
  CHECK(slots.find(std::string(2000, 'k')) != std::string::npos);
  CHECK(slots.find(std::string(32, 'd')) == std::string::npos);
  // A slot's next envelope gets another id: an old id never names it.
  RelayStore::Batch b(store);
  CHECK_FALSE(b.remove("c", drop));
}

TEST_CASE("relay store: a larger budget at the next start moves a full class to a larger file and keeps every envelope") {
  test::TempDir dir;
  std::vector<Bytes> kept;
  {
    RelayStore store(dir.path(), RelayStore::options(1 << 20));  // 64 slots of 16 KiB
    RelayStore::Batch b(store);
    for (int i = 0; i < 64; ++i) {
      kept.emplace_back(16000, static_cast<std::uint8_t>(i));
      b.insert("c", kept.back(), 5, {});
    }
    b.commit();
    RelayStore::Batch more(store);
    CHECK_THROWS_AS(more.insert("c", Bytes(16000, 0xee), 5, {}), storage::StoreFull);
  }
  RelayStore store(dir.path(), RelayStore::options(4 << 20));
  {
    RelayStore::Batch b(store);
    for (int i = 0; i < 64; ++i) b.insert("c", Bytes(16000, 0xee), 6, {});  // room now
    b.commit();
  }
  bool more = true;
  std::vector<storage::InboxEntry> all;
  for (Bytes after; more;) {
    auto page = store.list("c", after, 1000, more);
    all.insert(all.end(), page.begin(), page.end());
    if (!page.empty()) after.assign(page.back().id.begin(), page.back().id.end());
  }
  REQUIRE(all.size() == 128);
  std::size_t found = 0;
  for (const auto& e : all) {
    auto env = store.fetch("c", e.id);
    REQUIRE(env);
    if (e.day == 5) found += std::find(kept.begin(), kept.end(), env->data) != kept.end();
  }
  CHECK(found == 64);
  CHECK(store.stats("c").count == 128);
  CHECK_FALSE(storage::fileExists(dir / "envelopes/16384.slots.next"));
}
