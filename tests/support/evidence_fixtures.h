// Evidence fixtures made with the real tools (cjpeg, exiv2, lame): files that
// carry what a worker's phone puts in them — GPS, make and model, serial, owner,
// times, a thumbnail, tags — for the scrubber's tests and the end-to-end ones.
#pragma once

#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/file.h"
#include "support/process.h"
#include "support/tempdir.h"

namespace gongyou::test {

// Identifying strings planted in every fixture; none may survive.
inline constexpr const char* kPlanted[] = {"Xiaomi", "Redmi Note 12", "SN12345678", "Zhang Wei", "Dongguan",
                                         "2026:11:20", "SECRET-TRAILER", "dorm 3"};

// A w x h colour gradient as a binary PPM.
inline std::string ppm(const test::TempDir& tmp, int w = 64, int h = 48) {
  std::string img = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img += {char(x * 4), char(y * 5), char((x + y) * 2)};
  std::string path = tmp / ("base-" + std::to_string(w) + ".ppm");
  storage::writeFileAtomic(path, img);
  return path;
}

// Plants camera metadata with the real exiv2 tool, a thumbnail among it.
inline void plant(const test::TempDir& tmp, const std::string& path) {
  std::vector<std::string> argv{"/usr/bin/exiv2",
                                "-M", "set Exif.GPSInfo.GPSLatitudeRef N",
                                "-M", "set Exif.GPSInfo.GPSLatitude 22/1 32/1 0/1",
                                "-M", "set Exif.GPSInfo.GPSLongitudeRef E",
                                "-M", "set Exif.GPSInfo.GPSLongitude 113/1 45/1 0/1",
                                "-M", "set Exif.Image.Make Xiaomi",
                                "-M", "set Exif.Image.Model Redmi Note 12",
                                "-M", "set Exif.Photo.BodySerialNumber SN12345678",
                                "-M", "set Exif.Photo.DateTimeOriginal 2026:11:20 14:03:27",
                                "-M", "set Exif.Image.Artist Zhang Wei",
                                "-M", "set Xmp.dc.creator Zhang Wei",
                                "-M", "set Iptc.Application2.City Dongguan",
                                "-c", "dorm 3, bed 12",
                                "mo", path};
  REQUIRE(run(argv).first == 0);
  // exiv2 -it inserts PATH-thumb.jpg as the EXIF thumbnail.
  std::string thumb = path.substr(0, path.rfind('.')) + "-thumb.jpg";
  REQUIRE(run({"/bin/sh", "-c", "cjpeg " + ppm(tmp, 16, 12) + " > " + thumb}).first == 0);
  REQUIRE(run({"/usr/bin/exiv2", "-it", path}).first == 0);
  (void)tmp;
}

// A minimal PNG (8-bit RGB), with text, time and EXIF chunks and a trailer.
inline Bytes pngWithMetadata() {
  auto chunk = [](Bytes& out, const std::string& type, const std::string& data) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(data.size() >> s));
    std::string td = type + data;
    out.insert(out.end(), td.begin(), td.end());
    uLong crc = crc32(0, reinterpret_cast<const Bytef*>(td.data()), static_cast<uInt>(td.size()));
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(crc >> s));
  };
  Bytes out = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  chunk(out, "IHDR", std::string("\0\0\0\x10\0\0\0\x08\x08\x02\0\0\0", 13));
  chunk(out, "tEXt", std::string("Author\0Zhang Wei", 16));
  chunk(out, "tIME", std::string("\x07\xea\x0b\x14\x0e\x03\x1b", 7));
  chunk(out, "iTXt", std::string("Comment\0\0\0\0\0dorm 3", 18));
  std::string raw;
  for (int y = 0; y < 8; ++y) {
    raw += '\0';
    for (int x = 0; x < 16; ++x) raw += {char(x * 16), char(y * 32), char(128)};
  }
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string z(len, '\0');
  REQUIRE(compress(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(raw.data()),
                   static_cast<uLong>(raw.size())) == Z_OK);
  z.resize(len);
  chunk(out, "IDAT", z);
  chunk(out, "IEND", "");
  std::string t = "SECRET-TRAILER";
  out.insert(out.end(), t.begin(), t.end());
  return out;
}

// A phone-style JPEG photo (path), `w` x `h`, every planted item in it.
inline std::string phonePhoto(const TempDir& tmp, const std::string& name, int w = 64, int h = 48) {
  const std::string path = tmp / name;
  REQUIRE(run({"/bin/sh", "-c", "cjpeg -quality 85 " + ppm(tmp, w, h) + " > " + path}).first == 0);
  plant(tmp, path);
  return path;
}

// A voice note as MP3 (path) with ID3 tags naming the worker, `seconds` long
// at `kbps` (44.1 kHz, so up to 320 kbit/s: a 30-second note is then 1.2 MB).
inline std::string taggedMp3(const TempDir& tmp, const std::string& name, int seconds = 1, int kbps = 64) {
  const std::string wav = tmp / (name + ".wav"), mp3 = tmp / name;
  REQUIRE(run({"/usr/bin/sox", "-n", "-r", "44100", "-c", "1", wav, "synth", std::to_string(seconds), "sine", "440"})
              .first == 0);
  REQUIRE(run({"/usr/bin/lame", "--silent", "--cbr", "-b", std::to_string(kbps), "--tt", "Redmi Note 12", "--ta",
               "Zhang Wei", "--tc", "dorm 3", "--ty", "2026", "--add-id3v2", wav, mp3})
              .first == 0);
  return mp3;
}

// A PDF from its objects (numbered 1.. in order), with its cross-reference
// table and a trailer naming object 1 the catalog and `info` the information
// dictionary: how hostile and office-made test documents are written.
inline std::string pdfFromObjects(const std::string& version, const std::vector<std::string>& objects, int info) {
  std::string out = "%PDF-" + version + "\n";
  std::vector<std::size_t> at;
  for (const auto& o : objects) {
    at.push_back(out.size());
    out += std::to_string(at.size()) + " 0 obj\n" + o + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(at.size() + 1) + "\n0000000000 65535 f \n";
  for (auto a : at) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", a);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(at.size() + 1) + " /Root 1 0 R /Info " + std::to_string(info) +
         " 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// A minimal PDF as a hostile tool would send it: a script run on opening, an
// author, and a line of text.
inline std::string scriptedPdf() {
  const std::string content = "BT /F1 24 Tf 72 700 Td (PAYSLIP-TEXT) Tj ET";
  return pdfFromObjects(
      "1.4",
      {"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\('EVIL-SCRIPT'\\)) >> >>",
       "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
       "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
       "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
       "<< /Author (EVIL-AUTHOR Zhang Wei) /Producer (EVIL-PRODUCER) >>"},
      6);
}

}  // namespace gongyou::test
