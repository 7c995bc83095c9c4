// RAII over LMDB (0.9.24): environment, transactions, named databases, cursors.
//
// Failure modes: every LMDB error becomes lmdb::Error carrying the operation and
// mdb_strerror() text (never key or value bytes). A full map is lmdb::MapFull, so a
// caller can abort, grow the map with Env::setMapSize and retry — never a crash.
// A transaction aborts in its destructor unless commit() succeeded, so an exception
// between put() and commit() leaves the database unchanged.
//
// Lifetimes (from lmdb.h): a ByteView returned by get() or a cursor points into the
// memory map and is valid only until the transaction ends or the next write in it.
// A Txn must not outlive its Env; a Cursor must not outlive its Txn — and in a
// write transaction it must be destroyed before commit(), because LMDB frees a
// write transaction's cursors when it ends (closing one afterwards is a double
// free; the ASan build catches it).
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "crypto/bytes.h"

namespace gongyou::lmdb {

class Error : public std::runtime_error {
 public:
  Error(const std::string& op, int code);
  int code() const { return code_; }

 private:
  int code_;
};

// The map is full: abort the transaction, Env::setMapSize bigger, retry.
class MapFull : public Error {
 public:
  explicit MapFull(const std::string& op) : Error(op, MDB_MAP_FULL) {}
};

struct EnvOptions {
  std::size_t mapSize = std::size_t{1} << 30;  // address space, not disk: grows lazily
  unsigned maxDbs = 16;
  unsigned maxReaders = 126;
  // MDB_NOTLS: read transactions are not tied to a thread, so a server can read on
  // its RPC thread while a separate writer thread commits.
  unsigned flags = MDB_NOTLS;
  unsigned mode = 0600;  // the database may hold ciphertext only, but is still nobody else's
};

class Env {
 public:
  // Opens (creating the files in) an existing directory `dir`.
  Env(const std::string& dir, const EnvOptions& opts = {});
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* get() const { return env_; }
  std::size_t mapSize() const;
  // The id of the last committed write transaction, by this process or any
  // other: it changes with every write, so a cache of what is stored can tell
  // it is stale.
  std::size_t lastTxnId() const;
  // Only while no transaction of this process is open (LMDB's rule).
  void setMapSize(std::size_t bytes);
  // Forces a sync; for environments opened with MDB_NOSYNC/MDB_NOMETASYNC.
  void sync();
  // A copy without free pages into the existing empty directory `dir`
  // (mdb_env_copy2 with MDB_CP_COMPACT): what was deleted is not in the copy.
  void copyCompact(const std::string& dir);

 private:
  MDB_env* env_ = nullptr;
};

class Txn {
 public:
  static Txn write(Env& env) { return Txn(env, 0); }
  static Txn read(Env& env) { return Txn(env, MDB_RDONLY); }
  ~Txn() { abort(); }
  Txn(Txn&& o) noexcept : txn_(std::exchange(o.txn_, nullptr)) {}
  Txn& operator=(Txn&&) = delete;
  Txn(const Txn&) = delete;

  MDB_txn* get() const { return txn_; }
  // Durable (per the Env's sync flags) when this returns. Throws MapFull or Error;
  // the transaction is gone either way.
  void commit();
  void abort() noexcept;

 private:
  Txn(Env& env, unsigned flags);
  MDB_txn* txn_ = nullptr;
};

// A named database handle. Handles live as long as the Env; opening one inside a
// write transaction that then aborts makes the handle invalid (LMDB's rule), so
// open them in a transaction of their own at start-up.
struct Dbi {
  MDB_dbi handle = 0;
  static Dbi open(Txn& txn, const char* name, unsigned flags = MDB_CREATE);
};

std::optional<ByteView> get(Txn& txn, Dbi db, ByteView key);
// Throws MapFull when the map is full, Error otherwise. With MDB_NOOVERWRITE,
// returns false (and changes nothing) if the key exists.
bool put(Txn& txn, Dbi db, ByteView key, ByteView value, unsigned flags = 0);
// Returns false if the key was absent.
bool del(Txn& txn, Dbi db, ByteView key);
std::size_t count(Txn& txn, Dbi db);

class Cursor {
 public:
  Cursor(Txn& txn, Dbi db);
  ~Cursor() { mdb_cursor_close(cur_); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Each positions the cursor and fills key/value; false at the end.
  bool first(ByteView& key, ByteView& value);
  bool next(ByteView& key, ByteView& value);
  bool seek(ByteView from, ByteView& key, ByteView& value);  // first key >= from
  void del();  // deletes the current entry (write transactions only)

 private:
  bool move(MDB_cursor_op op, ByteView& key, ByteView& value, MDB_val* k = nullptr);
  MDB_cursor* cur_ = nullptr;
};

}  // namespace gongyou::lmdb
