// Whole files written atomically: a crash (or an exception) in the middle
// leaves the old file as it was, never half of a new one.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "storage/file.h"
#include "support/tempdir.h"

using namespace gongyou;

TEST_CASE("file: written piece by piece it replaces the old file only on commit") {
  test::TempDir tmp;
  const std::string path = tmp / "batch.gyb";
  storage::writeFileAtomic(path, "old");
  {
    storage::AtomicFileWriter w(path);
    w.write("new ");
    w.write("file");
    CHECK(storage::readFile(path) == Bytes{'o', 'l', 'd'});  // not yet
    // Abandoned (an exception on the way): nothing changes, no temporary stays.
  }
  CHECK(storage::readFile(path) == Bytes{'o', 'l', 'd'});
  CHECK_FALSE(storage::fileExists(path + ".tmp"));
  {
    storage::AtomicFileWriter w(path);
    w.write("new ");
    w.write("file");
    w.commit();
    CHECK_THROWS_AS(w.write("more"), std::logic_error);
  }
  CHECK(storage::readFile(path) == Bytes{'n', 'e', 'w', ' ', 'f', 'i', 'l', 'e'});
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_THROWS_WITH(storage::AtomicFileWriter(tmp / "no/such/dir/f"), Catch::Contains("cannot create"));
}
