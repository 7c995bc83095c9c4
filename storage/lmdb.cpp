#include "storage/lmdb.h"

namespace gongyou::lmdb {
namespace {

void check(int rc, const char* op) {
  if (rc == MDB_SUCCESS) return;
  if (rc == MDB_MAP_FULL) throw MapFull(op);
  throw Error(op, rc);
}

MDB_val val(ByteView v) { return MDB_val{v.size(), const_cast<std::uint8_t*>(v.data())}; }
ByteView view(const MDB_val& v) { return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size}; }

}  // namespace

Error::Error(const std::string& op, int code)
    : std::runtime_error("lmdb: " + op + ": " + mdb_strerror(code)), code_(code) {}

Env::Env(const std::string& dir, const EnvOptions& opts) {
  check(mdb_env_create(&env_), "mdb_env_create");
  try {
    check(mdb_env_set_mapsize(env_, opts.mapSize), "mdb_env_set_mapsize");
    check(mdb_env_set_maxdbs(env_, opts.maxDbs), "mdb_env_set_maxdbs");
    check(mdb_env_set_maxreaders(env_, opts.maxReaders), "mdb_env_set_maxreaders");
    check(mdb_env_open(env_, dir.c_str(), opts.flags, opts.mode), ("open " + dir).c_str());
  } catch (...) {
    mdb_env_close(env_);
    throw;
  }
}

Env::~Env() { mdb_env_close(env_); }

std::size_t Env::mapSize() const {
  MDB_envinfo info;
  check(mdb_env_info(env_, &info), "mdb_env_info");
  return info.me_mapsize;
}

std::size_t Env::lastTxnId() const {
  MDB_envinfo info;
  check(mdb_env_info(env_, &info), "mdb_env_info");
  return info.me_last_txnid;
}

void Env::setMapSize(std::size_t bytes) { check(mdb_env_set_mapsize(env_, bytes), "mdb_env_set_mapsize"); }

void Env::sync() { check(mdb_env_sync(env_, 1), "mdb_env_sync"); }

void Env::copyCompact(const std::string& dir) {
  check(mdb_env_copy2(env_, dir.c_str(), MDB_CP_COMPACT), "mdb_env_copy2");
}

Txn::Txn(Env& env, unsigned flags) {
  int rc = mdb_txn_begin(env.get(), nullptr, flags, &txn_);
  if (rc == MDB_MAP_RESIZED) {
    // Another process grew the map: adopt its size (0 = "use the current size").
    check(mdb_env_set_mapsize(env.get(), 0), "mdb_env_set_mapsize");
    rc = mdb_txn_begin(env.get(), nullptr, flags, &txn_);
  }
  check(rc, "mdb_txn_begin");
}

void Txn::commit() {
  // mdb_txn_commit frees the transaction even when it fails.
  int rc = mdb_txn_commit(std::exchange(txn_, nullptr));
  check(rc, "mdb_txn_commit");
}

void Txn::abort() noexcept {
  if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
}

Dbi Dbi::open(Txn& txn, const char* name, unsigned flags) {
  Dbi d;
  check(mdb_dbi_open(txn.get(), name, flags, &d.handle), (std::string("mdb_dbi_open ") + name).c_str());
  return d;
}

std::optional<ByteView> get(Txn& txn, Dbi db, ByteView key) {
  MDB_val k = val(key), v{};
  int rc = mdb_get(txn.get(), db.handle, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "mdb_get");
  return view(v);
}

bool put(Txn& txn, Dbi db, ByteView key, ByteView value, unsigned flags) {
  MDB_val k = val(key), v = val(value);
  int rc = mdb_put(txn.get(), db.handle, &k, &v, flags);
  if (rc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE)) return false;
  check(rc, "mdb_put");
  return true;
}

bool del(Txn& txn, Dbi db, ByteView key) {
  MDB_val k = val(key);
  int rc = mdb_del(txn.get(), db.handle, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_del");
  return true;
}

std::size_t count(Txn& txn, Dbi db) {
  MDB_stat st;
  check(mdb_stat(txn.get(), db.handle, &st), "mdb_stat");
  return st.ms_entries;
}

Cursor::Cursor(Txn& txn, Dbi db) { check(mdb_cursor_open(txn.get(), db.handle, &cur_), "mdb_cursor_open"); }

bool Cursor::move(MDB_cursor_op op, ByteView& key, ByteView& value, MDB_val* k) {
  MDB_val kk{}, v{};
  if (k) kk = *k;
  int rc = mdb_cursor_get(cur_, &kk, &v, op);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_cursor_get");
  key = view(kk);
  value = view(v);
  return true;
}

bool Cursor::first(ByteView& key, ByteView& value) { return move(MDB_FIRST, key, value); }
bool Cursor::next(ByteView& key, ByteView& value) { return move(MDB_NEXT, key, value); }
bool Cursor::seek(ByteView from, ByteView& key, ByteView& value) {
  MDB_val k = val(from);
  return move(MDB_SET_RANGE, key, value, &k);
}
void Cursor::del() { check(mdb_cursor_del(cur_, 0), "mdb_cursor_del"); }

}  // namespace gongyou::lmdb
