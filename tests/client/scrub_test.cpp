// Attachment scrubbing on real files: fixtures made here with the real cjpeg,
// cwebp and exiv2 tools (GPS, make and model, serial, times, a thumbnail, XMP,
// IPTC, comments, data after the image), checked afterwards by exiv2's own
// tool, by searching the bytes, and by decoding the result with djpeg/dwebp.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstring>
#include <string>

#include "protocol/media/scrub.h"
#include "protocol/media/view.h"
#include "storage/file.h"
#include "support/evidence_fixtures.h"
#include "support/process.h"
#include "support/tempdir.h"

using namespace gongyou;
using media::ScrubStatus;
using test::kPlanted;
using test::plant;
using test::pngWithMetadata;
using test::ppm;
using test::run;

namespace {

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }


Bytes withTrailer(const std::string& path) {
  Bytes b = storage::readFile(path);
  std::string t = "SECRET-TRAILER";
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

// What the real exiv2 tool still finds in a file (its print-all output).
std::string exiv2Says(const test::TempDir& tmp, const Bytes& file, const std::string& ext) {
  std::string path = tmp / ("check." + ext);
  storage::writeFileAtomic(path, file);
  return run({"/usr/bin/exiv2", "-q", "-pa", path}).second + run({"/usr/bin/exiv2", "-q", "-pc", path}).second;
}

void checkClean(const media::Scrubbed& s, const test::TempDir& tmp, const std::string& ext) {
  REQUIRE(s.status == ScrubStatus::Ok);
  for (const char* p : kPlanted) {
    INFO(p);
    CHECK(str(s.data).find(p) == std::string::npos);
  }
  CHECK(exiv2Says(tmp, s.data, ext).find_first_not_of(" \n") == std::string::npos);
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("scrub: a phone-style JPEG loses GPS and camera and times and thumbnail and still decodes the same") {
  // Baseline, progressive (many scans) and with restart markers in the scan data.
  const std::string options = GENERATE(as<std::string>{}, "-quality 85", "-progressive", "-restart 1");
  INFO("cjpeg " << options);
  test::TempDir tmp;
  const std::string base = tmp / "base.jpg", photo = tmp / "photo.jpg";
  REQUIRE(run({"/bin/sh", "-c", "cjpeg " + options + " " + ppm(tmp) + " > " + base}).first == 0);
  REQUIRE(run({"/bin/cp", base, photo}).first == 0);
  plant(tmp, photo);
  Bytes original = withTrailer(photo);
  // The fixture really carries what a phone photo carries.
  const std::string before = exiv2Says(tmp, original, "jpg");
  CHECK_THAT(before, Catch::Contains("GPSLatitude") && Catch::Contains("Redmi Note 12") &&
                         Catch::Contains("Exif.Thumbnail") && Catch::Contains("Dongguan"));

  auto s = media::scrub(original);
  CHECK(s.media == media::Media::Jpeg);
  checkClean(s, tmp, "jpg");
  for (const char* what : {"GPS position", "camera make and model", "serial number or owner name",
                           "date and time taken", "thumbnail of the original picture", "comment",
                           "data hidden after the end of the file"}) {
    INFO(what);
    CHECK(has(s.removed, what));
  }
  CHECK((has(s.removed, "XMP data (names, places, edit history)") && has(s.removed, "IPTC data (captions, names, places)")));
  // Same pixels as the picture before any metadata was added.
  storage::writeFileAtomic(tmp / "clean.jpg", s.data);
  auto a = run({"/bin/sh", "-c", "djpeg -pnm " + base + " | sha256sum"});
  auto b = run({"/bin/sh", "-c", "djpeg -pnm " + tmp / "clean.jpg" + " | sha256sum"});
  REQUIRE(a.first == 0);
  CHECK(a.second == b.second);
}

TEST_CASE("scrub: a WebP with EXIF and XMP and ICC loses them and still decodes") {
  test::TempDir tmp;
  const std::string photo = tmp / "photo.jpg", webp = tmp / "photo.webp";
  REQUIRE(run({"/bin/sh", "-c", "cjpeg -quality 85 " + ppm(tmp) + " > " + photo}).first == 0);
  plant(tmp, photo);
  REQUIRE(run({"/usr/bin/cwebp", "-quiet", "-metadata", "all", photo, "-o", webp}).first == 0);
  Bytes original = withTrailer(webp);
  CHECK_THAT(exiv2Says(tmp, original, "webp"), Catch::Contains("Redmi Note 12"));
  auto s = media::scrub(original);
  CHECK(s.media == media::Media::Webp);
  checkClean(s, tmp, "webp");
  CHECK(has(s.removed, "GPS position"));
  storage::writeFileAtomic(tmp / "clean.webp", s.data);
  CHECK(run({"/usr/bin/dwebp", "-quiet", tmp / "clean.webp", "-o", tmp / "out.png"}).first == 0);
}

TEST_CASE("scrub: a PNG loses its text and time chunks and still decodes") {
  test::TempDir tmp;
  auto s = media::scrub(pngWithMetadata());
  CHECK(s.media == media::Media::Png);
  checkClean(s, tmp, "png");
  CHECK(has(s.removed, "modification time"));
  CHECK(has(s.removed, "data hidden after the end of the file"));
  storage::writeFileAtomic(tmp / "clean.png", s.data);
  // cwebp reads PNG with libpng: a decodable PNG converts.
  CHECK(run({"/usr/bin/cwebp", "-quiet", tmp / "clean.png", "-o", tmp / "x.webp"}).first == 0);
}

TEST_CASE("scrub: types that cannot be cleaned safely are refused and broken files are named") {
  // A HEIC that is only its file type box: converted, so broken, not refused.
  Bytes heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
  CHECK(media::scrub(heic).status == ScrubStatus::Malformed);
  CHECK(media::scrub(heic).media == media::Media::Heic);
  // A PDF without pages: converted, so broken, not refused.
  std::string pdf = "%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Author (Zhang Wei) >> endobj\n";
  CHECK(media::scrub(Bytes(pdf.begin(), pdf.end())).status == ScrubStatus::Malformed);
  std::string text = "just some text";
  CHECK(media::scrub(Bytes(text.begin(), text.end())).media == media::Media::Unknown);

  test::TempDir tmp;
  const std::string photo = tmp / "photo.jpg";
  REQUIRE(run({"/bin/sh", "-c", "cjpeg " + ppm(tmp) + " > " + photo}).first == 0);
  Bytes jpeg = storage::readFile(photo);
  Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() / 2));
  auto s = media::scrub(cut);
  CHECK(s.status == ScrubStatus::Malformed);
  CHECK(s.data.empty());
  CHECK_FALSE(s.detail.empty());
  Bytes png = pngWithMetadata();
  png[12] = 'X';  // IHDR's type: an unknown critical chunk first
  CHECK(media::scrub(png).status == ScrubStatus::Malformed);
}

namespace {

// sox's WAV with the chunks recorders add: LIST/INFO (name, comment, date) and
// bext (originator, date, time), each named in the planted strings.
Bytes wavWithMetadata(const std::string& base) {
  Bytes w = storage::readFile(base);
  auto chunk = [&](const std::string& type, const std::string& data) {
    std::string c = type;
    for (int s = 0; s < 32; s += 8) c += static_cast<char>(data.size() >> s);
    c += data;
    if (data.size() % 2) c += '\0';
    w.insert(w.end(), c.begin(), c.end());
  };
  chunk("LIST", std::string("INFOIART\x0a\0\0\0Zhang Wei\0ICMT\x0f\0\0\0dorm 3, bed 12\0", 46));
  chunk("bext", std::string("Redmi Note 12 recorder\0", 23) + std::string(233, '\0') + "2026:11:20");
  const auto size = static_cast<std::uint32_t>(w.size() - 8);
  for (int s = 0; s < 4; ++s) w[4 + s] = static_cast<std::uint8_t>(size >> (8 * s));
  return w;
}

// The decoded samples of an audio file, hashed by sox.
std::string samples(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "sox " + path + " -t raw - | sha256sum"});
  REQUIRE(r.first == 0);
  return r.second;
}

void checkNoPlanted(const Bytes& data) {
  for (const char* p : kPlanted) {
    INFO(p);
    CHECK(str(data).find(p) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("scrub: a WAV voice note loses its name and comment and recorder chunks and keeps every sample") {
  test::TempDir tmp;
  const std::string base = tmp / "base.wav";
  REQUIRE(run({"/usr/bin/sox", "-n", "-r", "8000", "-c", "1", base, "synth", "0.5", "sine", "440"}).first == 0);
  Bytes original = wavWithMetadata(base);
  CHECK(str(original).find("Zhang Wei") != std::string::npos);
  auto s = media::scrub(original);
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::Wav);
  checkNoPlanted(s.data);
  CHECK(has(s.removed, "text tags (name, comment, date, software)"));
  CHECK(has(s.removed, "recorder details (originator, date and time)"));
  storage::writeFileAtomic(tmp / "clean.wav", s.data);
  CHECK(run({"/usr/bin/soxi", "-a", tmp / "clean.wav"}).second.find_first_not_of(" \n") == std::string::npos);
  CHECK(samples(tmp / "clean.wav") == samples(base));
}

TEST_CASE("scrub: an MP3 loses its ID3 tags front and back and decodes to the same samples") {
  test::TempDir tmp;
  const std::string wav = tmp / "in.wav", mp3 = tmp / "in.mp3";
  REQUIRE(run({"/usr/bin/sox", "-n", "-r", "22050", "-c", "1", wav, "synth", "1", "sine", "440"}).first == 0);
  REQUIRE(run({"/usr/bin/lame", "--silent", "--tt", "Redmi Note 12", "--ta", "Zhang Wei", "--tc", "dorm 3", "--ty",
               "2026", "--add-id3v2", wav, mp3})
              .first == 0);
  Bytes original = storage::readFile(mp3);
  CHECK_THAT(run({"/usr/bin/id3v2", "-l", mp3}).second, Catch::Contains("Zhang Wei"));
  auto s = media::scrub(original);
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::Mp3);
  checkNoPlanted(s.data);
  CHECK(has(s.removed, "ID3 tags (title, artist, comment, date, software)"));
  storage::writeFileAtomic(tmp / "clean.mp3", s.data);
  CHECK_THAT(run({"/usr/bin/id3v2", "-l", tmp / "clean.mp3"}).second, Catch::Contains("No ID3 tag"));
  REQUIRE(run({"/usr/bin/lame", "--silent", "--decode", mp3, tmp / "a.wav"}).first == 0);
  REQUIRE(run({"/usr/bin/lame", "--silent", "--decode", tmp / "clean.mp3", tmp / "b.wav"}).first == 0);
  CHECK(samples(tmp / "a.wav") == samples(tmp / "b.wav"));
}


TEST_CASE("scrub: an M4A voice note loses its tags and GPS position and times and decodes to the same samples") {
  // moov before the audio (+faststart: dropping boxes moves the audio, so every
  // chunk offset must move too) and after it.
  const std::string layout = GENERATE(as<std::string>{}, "+faststart", "-faststart");
  INFO("movflags " << layout);
  test::TempDir tmp;
  const std::string m4a = tmp / "in.m4a";
  REQUIRE(run({"/usr/bin/ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a",
               "aac", "-b:a", "64k", "-metadata", "title=Redmi Note 12", "-metadata", "artist=Zhang Wei", "-metadata",
               "comment=dorm 3", "-metadata", "location=+22.5431+113.9364/", "-metadata",
               "creation_time=2026-11-20T14:03:27Z", "-movflags", layout, m4a})
              .first == 0);
  const std::string before = run({"/usr/bin/ffprobe", "-loglevel", "error", "-show_entries",
                                  "format_tags:stream_tags", m4a}).second;
  CHECK_THAT(before, Catch::Contains("Zhang Wei") && Catch::Contains("location=+22.5431") &&
                         Catch::Contains("creation_time=2026-11-20"));
  auto s = media::scrub(storage::readFile(m4a));
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::M4a);
  CHECK(has(s.removed, "GPS position"));
  CHECK(has(s.removed, "tags (title, artist, date, recording app)"));
  CHECK(has(s.removed, "date and time recorded"));
  for (const char* p : {"Zhang Wei", "Redmi Note 12", "dorm 3", "22.5431", "Lavf"}) {
    INFO(p);
    CHECK(str(s.data).find(p) == std::string::npos);
  }
  storage::writeFileAtomic(tmp / "clean.m4a", s.data);
  const std::string after = run({"/usr/bin/ffprobe", "-loglevel", "error", "-show_entries",
                                 "format_tags=title,artist,comment,location,creation_time,encoder:stream_tags=creation_time",
                                 tmp / "clean.m4a"}).second;
  CHECK(after.find("TAG:") == std::string::npos);
  // Every sample as before.
  auto pcm = [&](const std::string& f) {
    return run({"/bin/sh", "-c", "ffmpeg -loglevel error -i " + f + " -f s16le - | sha256sum"});
  };
  auto a = pcm(m4a), b = pcm(tmp / "clean.m4a");
  REQUIRE(a.first == 0);
  CHECK(a.second == b.second);
}

TEST_CASE("scrub: an MP4 video or a cut M4A is refused") {
  test::TempDir tmp;
  REQUIRE(run({"/usr/bin/ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5",
               "-c:v", "mpeg4", tmp / "v.mp4"})
              .first == 0);
  auto video = media::scrub(storage::readFile(tmp / "v.mp4"));
  CHECK(video.status == ScrubStatus::Malformed);
  CHECK_THAT(video.detail, Catch::Contains("not an audio-only file"));
  REQUIRE(run({"/usr/bin/ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
               tmp / "a.m4a"})
              .first == 0);
  Bytes cut = storage::readFile(tmp / "a.m4a");
  cut.resize(cut.size() / 2);
  CHECK(media::scrub(cut).status == ScrubStatus::Malformed);
}

TEST_CASE("scrub: an Opus or Vorbis voice note loses its tags and encoder and decodes to the same samples") {
  const std::string codec = GENERATE(as<std::string>{}, "opus", "vorbis");
  INFO(codec);
  test::TempDir tmp;
  const std::string wav = tmp / "in.wav", ogg = tmp / "in.ogg";
  REQUIRE(run({"/usr/bin/sox", "-n", "-r", "48000", "-b", "16", "-c", "1", wav, "synth", "3", "sine", "440", "vol",
               "0.5"})
              .first == 0);
  if (codec == "opus")
    REQUIRE(run({"/usr/bin/opusenc", "--quiet", "--artist", "Zhang Wei", "--title", "Redmi Note 12", "--comment",
                 "LOCATION=dorm 3", wav, ogg})
                .first == 0);
  else
    REQUIRE(run({"/usr/bin/oggenc", "-Q", "-a", "Zhang Wei", "-t", "Redmi Note 12", "-c", "LOCATION=dorm 3", wav, "-o",
                 ogg})
                .first == 0);
  Bytes original = storage::readFile(ogg);
  CHECK(str(original).find("Zhang Wei") != std::string::npos);
  original.insert(original.end(), {'S', 'E', 'C', 'R', 'E', 'T'});  // something after the end
  auto s = media::scrub(original);
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::Ogg);
  CHECK(has(s.removed, "tags (title, artist, date, location, recording app)"));
  CHECK(has(s.removed, "software"));
  CHECK(has(s.removed, "data hidden after the end of the file"));
  for (const char* p : {"Zhang Wei", "Redmi Note 12", "dorm 3", "opusenc", "Xiph", "SECRET"}) {
    INFO(p);
    CHECK(str(s.data).find(p) == std::string::npos);
  }
  storage::writeFileAtomic(tmp / "clean.ogg", s.data);
  // The tools of the format read it: no tag, every page's checksum right, and
  // the same samples decoded.
  if (codec == "opus") {
    auto info = run({"/usr/bin/opusinfo", tmp / "clean.ogg"});
    CHECK(info.second.find("Zhang") == std::string::npos);
    CHECK(info.second.find("WARNING") == std::string::npos);
    REQUIRE(run({"/usr/bin/opusdec", "--quiet", ogg, tmp / "a.wav"}).first == 0);
    REQUIRE(run({"/usr/bin/opusdec", "--quiet", tmp / "clean.ogg", tmp / "b.wav"}).first == 0);
  } else {
    CHECK(run({"/usr/bin/vorbiscomment", "-l", tmp / "clean.ogg"}).second.find_first_not_of(" \n") ==
          std::string::npos);
    auto info = run({"/usr/bin/ogginfo", tmp / "clean.ogg"});
    CHECK(info.first == 0);
    REQUIRE(run({"/usr/bin/oggdec", "-Q", ogg, "-o", tmp / "a.wav"}).first == 0);
    REQUIRE(run({"/usr/bin/oggdec", "-Q", tmp / "clean.ogg", "-o", tmp / "b.wav"}).first == 0);
  }
  CHECK(samples(tmp / "a.wav") == samples(tmp / "b.wav"));
  // A page whose checksum fails is not an Ogg file we pass on.
  Bytes broken = storage::readFile(ogg);
  broken[broken.size() / 2] ^= 1;
  CHECK(media::scrub(broken).status == ScrubStatus::Malformed);
}

TEST_CASE("scrub: a HEIC photo becomes a JPEG of the same picture with nothing of the original container") {
  test::TempDir tmp;
  // heif-enc carries the JPEG's EXIF (GPS, model, owner) into the HEIC, and adds a thumbnail.
  const std::string photo = test::phonePhoto(tmp, "photo.jpg", 128, 96), heic = tmp / "photo.heic";
  REQUIRE(run({"/usr/bin/heif-enc", "-q", "90", "-t", "32", photo, "-o", heic}).first == 0);
  Bytes original = storage::readFile(heic);
  CHECK_THAT(run({"/usr/bin/heif-info", heic}).second, Catch::Contains("Exif") && Catch::Contains("thumbnail"));
  CHECK(str(original).find("Zhang Wei") != std::string::npos);

  auto s = media::scrub(original);
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::Heic);
  CHECK(media::detectMedia(s.data) == media::Media::Jpeg);
  CHECK(has(s.removed, "EXIF data (GPS position, phone, date and time taken)"));
  CHECK(has(s.removed, "thumbnail of the original picture"));
  checkClean(s, tmp, "jpg");
  // The same picture: decoded, it is within JPEG's rounding of what libheif
  // itself decodes from the HEIC (heif-convert), pixel by pixel.
  storage::writeFileAtomic(tmp / "clean.jpg", s.data);
  REQUIRE(run({"/usr/bin/heif-convert", "-q", "100", heic, tmp / "ref.png"}).first == 0);
  REQUIRE(run({"/bin/sh", "-c", "djpeg -pnm " + tmp / "clean.jpg" + " > " + tmp / "clean.ppm"}).first == 0);
  REQUIRE(run({"/bin/sh", "-c", "dwebp -quiet " + tmp / "ref.png" + " -ppm -o " + tmp / "ref.ppm" + " 2>/dev/null || "
                                "(cwebp -quiet -lossless " + tmp / "ref.png" + " -o " + tmp / "ref.webp && dwebp -quiet " +
                                tmp / "ref.webp" + " -ppm -o " + tmp / "ref.ppm)"})
              .first == 0);
  Bytes a = storage::readFile(tmp / "clean.ppm"), b = storage::readFile(tmp / "ref.ppm");
  REQUIRE(a.size() == b.size());
  const std::size_t header = str(a).find("255\n") + 4;
  double diff = 0;
  for (std::size_t i = header; i < a.size(); ++i) diff += std::abs(int(a[i]) - int(b[i]));
  CHECK(diff / double(a.size() - header) < 4.0);  // mean absolute error per channel
}

namespace {

// A small PDF as an office suite writes one: an information dictionary (author,
// software, dates), XMP naming a place, an embedded file, and one page with
// visible text and white (hidden) text on it.
Bytes pdfWithMetadata() {
  const std::string xmp = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-"
                          "syntax-ns#'><rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' "
                          "dc:creator='Zhang Wei' dc:coverage='Dongguan'/></rdf:RDF></x:xmpmeta>";
  const std::string page = "BT /F1 36 Tf 72 700 Td (PAY SLIP 3000) Tj ET "
                           "1 1 1 rg BT /F1 12 Tf 72 600 Td (dorm 3 bed 12) Tj ET";
  const std::string attached = "SN12345678 Redmi Note 12";
  const std::string out = test::pdfFromObjects(
      "1.7",
      {"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /Names << /EmbeddedFiles << /Names [(note.txt) 7 0 R] >> >> >>",
       "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
       "<< /Length " + std::to_string(page.size()) + " >>\nstream\n" + page + "\nendstream",
       "<< /Type /Metadata /Subtype /XML /Length " + std::to_string(xmp.size()) + " >>\nstream\n" + xmp + "\nendstream",
       "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
       "<< /Type /Filespec /F (note.txt) /EF << /F 8 0 R >> >>",
       "<< /Type /EmbeddedFile /Length " + std::to_string(attached.size()) + " >>\nstream\n" + attached + "\nendstream",
       "<< /Author (Zhang Wei) /Creator (WPS Office) /Producer (Xiaomi PDF) /CreationDate (D:20261120140327+08'00') >>"},
      9);
  return Bytes(out.begin(), out.end());
}

}  // namespace

TEST_CASE("scrub: a PDF goes as images of its pages and nothing else of it") {
  test::TempDir tmp;
  const Bytes original = pdfWithMetadata();
  storage::writeFileAtomic(tmp / "in.pdf", original);
  // The fixture really is what it claims, to Poppler's own tools.
  auto info = run({"/usr/bin/pdfinfo", tmp / "in.pdf"});
  REQUIRE(info.first == 0);
  CHECK_THAT(info.second, Catch::Contains("Zhang Wei") && Catch::Contains("WPS Office"));
  CHECK_THAT(run({"/usr/bin/pdftotext", tmp / "in.pdf", "-"}).second, Catch::Contains("dorm 3"));
  CHECK_THAT(run({"/usr/bin/pdfdetach", "-list", tmp / "in.pdf"}).second, Catch::Contains("note.txt"));

  auto s = media::scrub(original);
  REQUIRE(s.status == ScrubStatus::Ok);
  CHECK(s.media == media::Media::Pdf);
  CHECK(has(s.removed, "document information (author, software, dates)"));
  CHECK(has(s.removed, "XMP data (names, places, edit history)"));
  CHECK(has(s.removed, "files embedded in the document"));
  for (const char* p : {"Zhang Wei", "WPS", "Xiaomi", "Dongguan", "dorm 3", "SN12345678", "PAY SLIP", "2026"}) {
    INFO(p);
    CHECK(str(s.data).find(p) == std::string::npos);
  }
  storage::writeFileAtomic(tmp / "clean.pdf", s.data);
  auto after = run({"/usr/bin/pdfinfo", tmp / "clean.pdf"});
  REQUIRE(after.first == 0);
  CHECK_THAT(after.second, Catch::Contains("Pages:           1") && Catch::Contains("612 x 792 pts"));
  for (const char* field : {"Author:", "Creator:", "Producer:", "CreationDate:", "Title:"}) {
    INFO(field);
    CHECK(after.second.find(field) == std::string::npos);
  }
  CHECK(run({"/usr/bin/pdftotext", tmp / "clean.pdf", "-"}).second.find_first_not_of(" \n\f") == std::string::npos);
  CHECK(run({"/usr/bin/pdfdetach", "-list", tmp / "clean.pdf"}).second.find("note.txt") == std::string::npos);
  // The page looks the same: both rendered at 50 dpi differ little, pixel by pixel.
  REQUIRE(run({"/usr/bin/pdftoppm", "-r", "50", "-gray", tmp / "in.pdf", tmp / "a"}).first == 0);
  REQUIRE(run({"/usr/bin/pdftoppm", "-r", "50", "-gray", tmp / "clean.pdf", tmp / "b"}).first == 0);
  Bytes a = storage::readFile(tmp / "a-1.pgm"), b = storage::readFile(tmp / "b-1.pgm");
  REQUIRE(a.size() == b.size());
  double diff = 0;
  std::size_t dark = 0;
  for (std::size_t i = 20; i < a.size(); ++i) {
    diff += std::abs(int(a[i]) - int(b[i]));
    dark += a[i] < 128;
  }
  CHECK(dark > 100);  // the visible text is there to compare
  CHECK(diff / double(a.size()) < 6.0);
  // Damaged or locked documents are named, not sent.
  Bytes cut(original.begin(), original.begin() + 40);
  CHECK(media::scrub(cut).status == ScrubStatus::Malformed);
}

TEST_CASE("view: evidence is shown as pixels decoded and encoded anew and a bomb is refused") {
  test::TempDir tmp;
  const Bytes png = test::pngWithMetadata();
  const Bytes jpeg = storage::readFile(test::phonePhoto(tmp, "p.jpg"));
  for (const Bytes* file : {&png, &jpeg}) {
    auto v = media::freshPixels(*file);
    REQUIRE(v.ok);
    REQUIRE(v.jpegs.size() == 1);
    const Bytes& out = v.jpegs[0];
    CHECK(media::detectMedia(out) == media::Media::Jpeg);
    CHECK(out != *file);
    const std::string text(out.begin(), out.end());
    for (const char* p : test::kPlanted) CHECK(text.find(p) == std::string::npos);
    CHECK(text.find("Exif") == std::string::npos);
  }
  // A PDF with a script: each page rendered to a new JPEG; nothing of its objects.
  const std::string pdf = test::scriptedPdf();
  int pages = 0;
  auto page = media::freshPixels(ByteView(pdf), 0, &pages);
  REQUIRE(page.ok);
  CHECK(pages == 1);
  const std::string shown(page.jpegs[0].begin(), page.jpegs[0].end());
  CHECK(shown.find("EVIL") == std::string::npos);
  CHECK_FALSE(media::freshPixels(ByteView(pdf), 1).ok);  // no such page
  // A PNG that claims 100,000 x 100,000 pixels is refused before anything is allocated.
  Bytes bomb = png;
  const std::uint8_t huge[8] = {0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0};
  std::memcpy(bomb.data() + 16, huge, 8);  // IHDR width and height (the CRC no longer matches either)
  auto refused = media::freshPixels(bomb);
  CHECK_FALSE(refused.ok);
  // Sound and unknown bytes are not shown as pictures.
  CHECK_FALSE(media::freshPixels(ByteView("RIFF....WAVEfmt ")).ok);
}

TEST_CASE("view: a voice note is played from a WAV written anew from its decoded samples") {
  test::TempDir tmp;
  const Bytes mp3 = storage::readFile(test::taggedMp3(tmp, "v.mp3", 2));
  auto s = media::freshSound(mp3);
  REQUIRE(s.ok);
  CHECK(s.seconds == Approx(2).margin(0.2));
  const std::string wav(s.wav.begin(), s.wav.end());
  CHECK_THAT(wav, Catch::StartsWith("RIFF") && Catch::Contains("WAVEfmt "));
  CHECK(media::detectMedia(s.wav) == media::Media::Wav);
  for (const char* p : test::kPlanted) CHECK(wav.find(p) == std::string::npos);
  CHECK(wav.find("ID3") == std::string::npos);
  CHECK(wav.find("LAME") == std::string::npos);
  // Its own output plays again (a WAV in, the same length out).
  auto again = media::freshSound(s.wav);
  REQUIRE(again.ok);
  CHECK(again.seconds == Approx(s.seconds).margin(0.05));
  // Not sound, or a sound file cut short: refused, never a crash.
  CHECK_FALSE(media::freshSound(test::pngWithMetadata()).ok);
  CHECK_FALSE(media::freshSound(ByteView(mp3.data(), 10)).ok);
}
