// The LMDB RAII layer: commit/abort semantics, cursors, errors, a full map.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>

#include "storage/lmdb.h"
#include "support/tempdir.h"

using namespace gongyou;
using test::TempDir;

namespace {
std::string str(ByteView v) { return std::string(v.str()); }
}  // namespace

TEST_CASE("lmdb: a committed write is visible and survives reopening", "[lmdb]") {
  TempDir dir;
  {
    lmdb::Env env(dir.path());
    auto txn = lmdb::Txn::write(env);
    auto db = lmdb::Dbi::open(txn, "inbox");
    CHECK(lmdb::put(txn, db, "k1", "v1"));
    CHECK_FALSE(lmdb::put(txn, db, "k1", "other", MDB_NOOVERWRITE));
    txn.commit();
  }
  lmdb::Env env(dir.path());
  auto txn = lmdb::Txn::read(env);
  auto db = lmdb::Dbi::open(txn, "inbox", 0);
  auto v = lmdb::get(txn, db, "k1");
  REQUIRE(v);
  CHECK(str(*v) == "v1");
  CHECK_FALSE(lmdb::get(txn, db, "absent"));
  struct stat st;
  REQUIRE(stat((dir / "data.mdb").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("lmdb: a transaction not committed changes nothing", "[lmdb]") {
  TempDir dir;
  lmdb::Env env(dir.path());
  lmdb::Dbi db;
  {
    auto txn = lmdb::Txn::write(env);
    db = lmdb::Dbi::open(txn, "inbox");
    txn.commit();
  }
  try {
    auto txn = lmdb::Txn::write(env);
    lmdb::put(txn, db, "k", "v");
    throw std::runtime_error("simulated failure before commit");
  } catch (const std::runtime_error&) {
  }
  auto txn = lmdb::Txn::read(env);
  CHECK_FALSE(lmdb::get(txn, db, "k"));
  CHECK(lmdb::count(txn, db) == 0);
}

TEST_CASE("lmdb: cursors walk keys in order and seek", "[lmdb]") {
  TempDir dir;
  lmdb::Env env(dir.path());
  auto txn = lmdb::Txn::write(env);
  auto db = lmdb::Dbi::open(txn, "d");
  for (const char* k : {"b", "d", "a", "c"}) lmdb::put(txn, db, k, std::string("v") + k);
  std::string seen;
  {
    lmdb::Cursor c(txn, db);
    ByteView k, v;
    for (bool ok = c.first(k, v); ok; ok = c.next(k, v)) seen += str(k);
    CHECK(seen == "abcd");
    REQUIRE(c.seek("bb", k, v));
    CHECK(str(k) == "c");
    CHECK(str(v) == "vc");
    c.del();
  }
  CHECK(lmdb::count(txn, db) == 3);
  CHECK(lmdb::del(txn, db, "a"));
  CHECK_FALSE(lmdb::del(txn, db, "a"));
  txn.commit();
}

TEST_CASE("lmdb: a full map is a clear error and growing the map recovers", "[lmdb]") {
  TempDir dir;
  lmdb::EnvOptions opts;
  opts.mapSize = 256 * 1024;
  lmdb::Env env(dir.path(), opts);
  lmdb::Dbi db;
  {
    auto txn = lmdb::Txn::write(env);
    db = lmdb::Dbi::open(txn, "inbox");
    txn.commit();
  }
  Bytes value(4096, 0xab);
  auto fill = [&](int n) {
    auto txn = lmdb::Txn::write(env);
    for (int i = 0; i < n; ++i) lmdb::put(txn, db, "key" + std::to_string(i), value);
    txn.commit();
  };
  bool full = false;
  try {
    fill(200);  // 200 × 8 KiB (overflow pages) cannot fit in 256 KiB
  } catch (const lmdb::MapFull& e) {
    full = true;
    CHECK(std::string(e.what()).find("MDB_MAP_FULL") != std::string::npos);
  }
  REQUIRE(full);
  {
    auto txn = lmdb::Txn::read(env);
    CHECK(lmdb::count(txn, db) == 0);  // the failed transaction left nothing
  }
  env.setMapSize(16 * 1024 * 1024);
  CHECK(env.mapSize() == 16 * 1024 * 1024);
  fill(200);
  auto txn = lmdb::Txn::read(env);
  CHECK(lmdb::count(txn, db) == 200);
}

TEST_CASE("lmdb: errors name the operation and LMDB's reason", "[lmdb]") {
  TempDir dir;
  try {
    lmdb::Env env(dir / "does-not-exist");
    FAIL("opening a missing directory must throw");
  } catch (const lmdb::Error& e) {
    std::string msg = e.what();
    CHECK(msg.find("open") != std::string::npos);
    CHECK(msg.find("No such file or directory") != std::string::npos);
    CHECK(e.code() == ENOENT);
  }
}
