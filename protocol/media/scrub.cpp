#include "protocol/media/scrub.h"

#include "protocol/media/heic.h"
#include "protocol/media/pdf.h"
#include "protocol/messages.h"

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <string_view>

namespace gongyou::media {
namespace {

void note(std::vector<std::string>& removed, const std::string& what) {
  if (std::find(removed.begin(), removed.end(), what) == removed.end()) removed.push_back(what);
}

std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}
void putLe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// What a dropped PNG or WebP chunk held, in plain words.
std::string droppedChunk(const std::string& type) {
  static const std::pair<const char*, const char*> kKnown[] = {
      {"tEXt", "text (software, author, times, embedded EXIF or XMP)"},
      {"zTXt", "text (software, author, times, embedded EXIF or XMP)"},
      {"iTXt", "text (software, author, times, embedded EXIF or XMP)"},
      {"tIME", "modification time"},
      {"eXIf", "EXIF data"},
      {"EXIF", "EXIF data"},
      {"XMP ", "XMP data"},
      {"iCCP", "colour profile"},
      {"ICCP", "colour profile"},
      {"LIST", "text tags (name, comment, date, software)"},
      {"bext", "recorder details (originator, date and time)"},
      {"iXML", "recorder details (iXML)"},
      {"id3 ", "ID3 tags"},
      {"ID3 ", "ID3 tags"},
      {"_PMX", "XMP data"},
  };
  for (const auto& [t, what] : kKnown)
    if (type == t) return what;
  return "other chunks (" + type + ")";
}

struct Filtered {
  bool ok = false;
  std::string detail;
};

// JPEG: keep what decoding needs — SOI, quantisation and Huffman tables, frame
// and scan headers with their entropy-coded data, restart intervals, EOI, and
// the Adobe APP14 segment (colour transform of CMYK files; it holds nothing
// else). Drop every other APPn (EXIF, XMP, ICC, MPF with its hidden second
// images, vendor blocks), comments, and anything after EOI.
Filtered filterJpeg(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return {false, "no JPEG start marker"};
  out.assign({0xFF, 0xD8});
  std::size_t i = 2;
  bool sawFrame = false;
  while (i < n) {
    if (p[i] != 0xFF) return {false, "expected a marker at byte " + std::to_string(i)};
    while (i < n && p[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) break;
    const std::uint8_t m = p[i++];
    if (m == 0xD9) {  // EOI
      out.insert(out.end(), {0xFF, 0xD9});
      if (i < n) note(removed, N_("data hidden after the end of the file"));
      if (!sawFrame) return {false, "no image frame"};
      return {true, {}};
    }
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) {  // RSTn, TEM: no length
      out.insert(out.end(), {0xFF, m});
      continue;
    }
    if (i + 2 > n) return {false, "truncated segment"};
    const std::size_t len = std::size_t{p[i]} << 8 | p[i + 1];
    if (len < 2 || i + len > n) return {false, "segment length out of range"};
    ByteView seg(p + i - 2, len + 2);  // marker + length + payload
    const std::uint8_t* body = p + i + 2;
    const std::size_t bodyLen = len - 2;
    i += len;
    const bool frame = (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC);
    const bool tables = m == 0xC4 || m == 0xCC || m == 0xDB || m == 0xDD || m == 0xDC;
    const bool adobe = m == 0xEE && bodyLen >= 5 && std::memcmp(body, "Adobe", 5) == 0;
    if (frame || tables || adobe || m == 0xDA) {
      if (frame) sawFrame = true;
      out.insert(out.end(), {0xFF});
      out.insert(out.end(), seg.data() + 1, seg.data() + seg.size());
    } else if (m == 0xFE) {
      note(removed, N_("comment"));
    } else if (m >= 0xE0 && m <= 0xEF) {
      if (m == 0xE1 && bodyLen >= 4 && std::memcmp(body, "Exif", 4) == 0) note(removed, N_("EXIF data"));
      else if (m == 0xE1) note(removed, N_("XMP data"));
      else if (m == 0xE2 && bodyLen >= 11 && std::memcmp(body, "ICC_PROFILE", 11) == 0) note(removed, N_("colour profile"));
      else if (m == 0xE2 && bodyLen >= 3 && std::memcmp(body, "MPF", 3) == 0) note(removed, N_("extra images (MPF)"));
      else if (m == 0xED) note(removed, N_("IPTC data"));
      else if (m == 0xE0) note(removed, N_("JFIF header (and any thumbnail in it)"));
      else note(removed, "vendor data (APP" + std::to_string(m - 0xE0) + ")");
    } else {
      return {false, "unexpected marker " + std::to_string(m)};
    }
    if (m == 0xDA) {
      // Entropy-coded data up to the next marker that is not a stuffed 0xFF00
      // or a restart marker.
      std::size_t j = i;
      while (j + 1 < n && !(p[j] == 0xFF && p[j + 1] != 0x00 && !(p[j + 1] >= 0xD0 && p[j + 1] <= 0xD7))) ++j;
      if (j + 1 >= n) return {false, "scan data runs past the end"};
      out.insert(out.end(), p + i, p + j);
      i = j;
    }
  }
  return {false, "no end-of-image marker"};
}

// PNG: keep the chunks that decoding (and APNG animation) needs; drop text
// chunks (tEXt, zTXt, iTXt: software, author, creation time, often EXIF or XMP
// inside), tIME, eXIf, iCCP and every other ancillary chunk. An unknown
// *critical* chunk cannot be dropped safely: the file is refused.
Filtered filterPng(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  static const std::uint8_t kSig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  if (n < 8 || std::memcmp(p, kSig, 8) != 0) return {false, "no PNG signature"};
  out.assign(p, p + 8);
  static const char* kKeep[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
                                "sBIT", "bKGD", "acTL", "fcTL", "fdAT"};
  std::size_t i = 8;
  bool first = true;
  while (i + 12 <= n) {
    const std::uint32_t len = readU32BE(p + i);
    if (len > n - i - 12) return {false, "chunk length out of range"};
    const std::string type(reinterpret_cast<const char*>(p + i + 4), 4);
    if (first && type != "IHDR") return {false, "IHDR is not the first chunk"};
    first = false;
    const std::size_t total = 12 + std::size_t{len};
    if (std::any_of(std::begin(kKeep), std::end(kKeep), [&](const char* k) { return type == k; })) {
      out.insert(out.end(), p + i, p + i + total);
    } else if (type[0] >= 'A' && type[0] <= 'Z') {
      return {false, "unknown critical chunk " + type};
    } else {
      note(removed, droppedChunk(type));
    }
    i += total;
    if (type == "IEND") {
      if (i < n) note(removed, N_("data hidden after the end of the file"));
      return {true, {}};
    }
  }
  return {false, "no IEND chunk"};
}

// RIFF containers (WebP, WAV): copy the chunks `keep` accepts, drop the rest;
// `kept(type, at)` sees each copied chunk (its header at out[at]). The RIFF size
// is rewritten to what was kept.
template <typename Keep, typename Kept>
Filtered filterRiff(ByteView in, const char* form, Bytes& out, std::vector<std::string>& removed, Keep keep,
                    Kept kept) {
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  if (n < 12 || std::memcmp(p, "RIFF", 4) != 0 || std::memcmp(p + 8, form, 4) != 0)
    return {false, std::string("not a RIFF ") + form + " file"};
  const std::size_t riffEnd = std::min<std::size_t>(n, std::size_t{le32(p + 4)} + 8);
  out.assign(p, p + 12);
  std::size_t i = 12;
  while (i + 8 <= riffEnd) {
    const std::string type(reinterpret_cast<const char*>(p + i), 4);
    const std::uint32_t len = le32(p + i + 4);
    if (len > riffEnd - i - 8) return {false, "chunk length out of range"};
    const std::size_t total = 8 + std::size_t{len} + (len & 1);  // chunks are padded to even sizes
    if (keep(type)) {
      const std::size_t at = out.size();
      out.insert(out.end(), p + i, p + std::min(i + total, riffEnd));
      out.resize(at + total, 0);  // the pad byte of an odd last chunk
      kept(type, at);
    } else {
      note(removed, droppedChunk(type));
    }
    i += total;
  }
  if (n > riffEnd) note(removed, N_("data hidden after the end of the file"));
  putLe32(out.data() + 4, static_cast<std::uint32_t>(out.size() - 8));
  return {true, {}};
}

// WebP: keep the image chunks (VP8, VP8L, ALPH, ANIM, ANMF) and VP8X with its
// ICC, EXIF and XMP flags cleared; drop ICCP, EXIF, XMP and anything else.
Filtered filterWebp(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  bool image = false;
  auto keep = [](const std::string& t) {
    return t == "VP8 " || t == "VP8L" || t == "ALPH" || t == "ANIM" || t == "ANMF" || t == "VP8X";
  };
  auto kept = [&](const std::string& t, std::size_t at) {
    if (t == "VP8X" && out.size() > at + 8) out[at + 8] &= static_cast<std::uint8_t>(~(0x20 | 0x08 | 0x04));
    else if (t != "ANIM") image = true;
  };
  Filtered f = filterRiff(in, "WEBP", out, removed, keep, kept);
  if (f.ok && !image) return {false, "no image data"};
  return f;
}

// WAV: keep the format, fact and sample data chunks; drop LIST/INFO (name,
// comment, date, software), bext (originator, date, time), iXML, ID3, XMP and
// anything else.
Filtered filterWav(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  bool format = false, samples = false;
  auto keep = [](const std::string& t) { return t == "fmt " || t == "data" || t == "fact"; };
  auto kept = [&](const std::string& t, std::size_t) {
    format |= t == "fmt ";
    samples |= t == "data";
  };
  Filtered f = filterRiff(in, "WAVE", out, removed, keep, kept);
  if (f.ok && (!format || !samples)) return {false, "no format or no sample data"};
  return f;
}

// The length of the MPEG audio frame whose header is at p (4 bytes), or 0 if
// it is not one (free-format bit rates included: they cannot be walked).
std::size_t mpegFrameLength(const std::uint8_t* p) {
  if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0) return 0;
  const int version = (p[1] >> 3) & 3;  // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
  const int layer = (p[1] >> 1) & 3;    // 1: III, 2: II, 3: I
  const int bitrateIndex = p[2] >> 4, rateIndex = (p[2] >> 2) & 3, padding = (p[2] >> 1) & 1;
  if (version == 1 || layer == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) return 0;
  static const int kBitrates[2][3][15] = {
      // MPEG 1: layer I, II, III (kbit/s)
      {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
       {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
       {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
      // MPEG 2 and 2.5: layer I, II, III
      {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
       {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
       {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}}};
  static const int kRates[4][3] = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};
  const bool mpeg1 = version == 3;
  const int layerIndex = 3 - layer;  // 0: I, 1: II, 2: III
  const long bitrate = kBitrates[mpeg1 ? 0 : 1][layerIndex][bitrateIndex] * 1000L;
  const long rate = kRates[version][rateIndex];
  if (layerIndex == 0) return static_cast<std::size_t>((12 * bitrate / rate + padding) * 4);
  const long factor = (layerIndex == 2 && !mpeg1) ? 72 : 144;
  return static_cast<std::size_t>(factor * bitrate / rate + padding);
}

// MP3: drop ID3v2 tags in front, then keep the run of MPEG audio frames, each
// found where the previous one ends; whatever follows the last frame (ID3v1,
// APE, Lyrics3 tags, appended data) is dropped.
Filtered filterMp3(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  std::size_t i = 0;
  while (i + 10 <= n && std::memcmp(p + i, "ID3", 3) == 0) {
    const std::size_t size = std::size_t{p[i + 6] & 0x7Fu} << 21 | std::size_t{p[i + 7] & 0x7Fu} << 14 |
                             std::size_t{p[i + 8] & 0x7Fu} << 7 | (p[i + 9] & 0x7Fu);
    i += 10 + size + ((p[i + 5] & 0x10) ? 10 : 0);
    note(removed, N_("ID3 tags (title, artist, comment, date, software)"));
  }
  if (i >= n) return {false, "no audio after the tags"};
  std::size_t frames = 0;
  out.clear();
  while (i + 4 <= n) {
    const std::size_t len = mpegFrameLength(p + i);
    if (len < 4 || i + len > n) break;
    out.insert(out.end(), p + i, p + i + len);
    i += len;
    ++frames;
  }
  if (frames < 2) return {false, "no run of MPEG audio frames"};
  if (i < n) {
    const std::size_t rest = n - i;
    const std::string_view tail(reinterpret_cast<const char*>(p + i), rest);
    const bool id3v1 = rest >= 128 && tail.substr(rest - 128, 3) == "TAG";
    note(removed, id3v1 ? N_("ID3 tags (title, artist, comment, date, software)") : N_("data after the last audio frame"));
    if (tail.find("APETAGEX") != std::string_view::npos) note(removed, N_("APE tags"));
  }
  return {true, {}};
}

// M4A (ISO BMFF audio, as phone voice recorders write it). Kept: ftyp; moov with
// mvhd and each trak (tkhd, edts, mdia: mdhd, hdlr, minf: smhd, dinf, stbl and
// its sample tables); mdat. The creation and modification times in mvhd, tkhd
// and mdhd are set to zero and the handler's name emptied. Dropped: udta
// (title, artist, date, the recorder app, the ©xyz GPS position), meta (iTunes
// tags), uuid (vendor data), free/skip/wide and anything else. Dropping boxes
// before the audio moves it, so every chunk offset (stco, co64) is moved with it.
class M4aFilter {
 public:
  M4aFilter(ByteView in, Bytes& out, std::vector<std::string>& removed) : in_(in), out_(out), removed_(removed) {}

  Filtered run() {
    out_.clear();
    if (!walk(0, in_.size(), 0)) return {false, why_};
    if (!sawAudio_ || mdats_.empty()) return {false, why_.empty() ? "no audio track or no audio data" : why_};
    for (const auto& [at, wide] : offsets_) {
      const std::uint64_t old = wide ? readBE<std::uint64_t>(out_.data() + at) : readU32BE(out_.data() + at);
      std::uint64_t moved = 0;
      bool found = false;
      for (const auto& m : mdats_)
        if (old >= m.oldStart && old < m.oldStart + m.length) moved = old - m.oldStart + m.newStart, found = true;
      if (!found) return {false, "a chunk offset points outside the audio data"};
      if (!wide && moved > 0xFFFFFFFFu) return {false, "a chunk offset overflows"};
      if (wide) writeBE(out_.data() + at, moved);
      else writeBE(out_.data() + at, static_cast<std::uint32_t>(moved));
    }
    return {true, {}};
  }

 private:
  struct Mdat {
    std::uint64_t oldStart, newStart, length;
  };

  bool fail(const std::string& why) {
    why_ = why;
    return false;
  }
  bool any(std::size_t at, std::size_t end, std::string_view needle) const {
    return std::string_view(reinterpret_cast<const char*>(in_.data() + at), end - at).find(needle) !=
           std::string_view::npos;
  }

  // Which boxes a parent keeps: 'C' container (walked), 'L' leaf (copied), 0 drop.
  static char keep(int depth, const std::string& parent, const std::string& t) {
    if (depth == 0) return t == "moov" ? 'C' : (t == "ftyp" || t == "mdat") ? 'L' : 0;
    if (parent == "moov") return t == "trak" ? 'C' : t == "mvhd" ? 'L' : 0;
    if (parent == "trak") return (t == "mdia" || t == "edts") ? 'C' : t == "tkhd" ? 'L' : 0;
    if (parent == "edts") return t == "elst" ? 'L' : 0;
    if (parent == "mdia") return t == "minf" ? 'C' : (t == "mdhd" || t == "hdlr") ? 'L' : 0;
    if (parent == "minf") return (t == "dinf" || t == "stbl") ? 'C' : t == "smhd" ? 'L' : 0;
    if (parent == "dinf") return t == "dref" ? 'L' : 0;
    if (parent == "stbl") {
      static const char* kTables[] = {"stsd", "stts", "stsc", "stsz", "stz2", "stco", "co64",
                                      "stss", "ctts", "sgpd", "sbgp", "cslg", "sdtp"};
      for (const char* k : kTables)
        if (t == k) return 'L';
    }
    return 0;
  }

  bool walk(std::size_t at, std::size_t end, int depth, const std::string& parent = "") {
    if (depth > 8) return fail("boxes nested too deep");
    while (at < end) {
      if (end - at < 8) return fail("a box is cut short");
      std::uint64_t size = readU32BE(in_.data() + at);
      std::size_t header = 8;
      const std::string type(reinterpret_cast<const char*>(in_.data() + at + 4), 4);
      if (size == 1) {
        if (end - at < 16) return fail("a box is cut short");
        size = readBE<std::uint64_t>(in_.data() + at + 8), header = 16;
      } else if (size == 0) {
        size = end - at;
      }
      if (size < header || size > end - at) return fail("box " + type + " runs past its parent");
      const std::size_t bodyAt = at + header, boxEnd = at + static_cast<std::size_t>(size);
      if (type == "moof" || type == "mvex") return fail("fragmented MP4 is not supported");
      const char k = keep(depth, parent, type);
      if (k == 0) {
        dropped(type, bodyAt, boxEnd);
      } else if (k == 'C') {
        const std::size_t start = out_.size();
        putBox(type, {});
        if (!walk(bodyAt, boxEnd, depth + 1, type)) return false;
        patchSize(start);
      } else if (!leaf(type, bodyAt, boxEnd)) {
        return false;
      }
      at = boxEnd;
    }
    return true;
  }

  void putBox(const std::string& type, ByteView body) {
    Bytes h(8, 0);
    std::memcpy(h.data() + 4, type.data(), 4);
    out_.insert(out_.end(), h.begin(), h.end());
    out_.insert(out_.end(), body.begin(), body.end());
  }
  // Sizes above 4 GiB cannot occur: attachments are capped far below.
  void patchSize(std::size_t start) { writeBE(out_.data() + start, static_cast<std::uint32_t>(out_.size() - start)); }

  void dropped(const std::string& type, std::size_t at, std::size_t end) {
    if (type == "udta" || type == "meta") {
      note(removed_, N_("tags (title, artist, date, recording app)"));
      if (any(at, end, "\xA9xyz") || any(at, end, "loci")) note(removed_, N_("GPS position"));
    } else if (type == "uuid") {
      note(removed_, N_("vendor data (uuid)"));
    } else if (type != "free" && type != "skip" && type != "wide") {
      note(removed_, "other boxes (" + type + ")");
    }
  }

  bool leaf(const std::string& type, std::size_t at, std::size_t end) {
    const ByteView original(in_.data() + at, end - at);
    Bytes changed;  // the body when it is rewritten; otherwise it is copied once, as it is
    if (type == "mvhd" || type == "tkhd" || type == "mdhd") {
      // version (1) flags (3), then creation and modification time: 4 bytes each
      // in version 0, 8 in version 1.
      changed = original.copy();
      const std::size_t w = !changed.empty() && changed[0] == 1 ? 8 : 4;
      if (changed.size() < 4 + 2 * w) return fail(type + " is cut short");
      if (!std::all_of(changed.begin() + 4, changed.begin() + 4 + 2 * w, [](std::uint8_t b) { return b == 0; }))
        note(removed_, N_("date and time recorded"));
      std::fill(changed.begin() + 4, changed.begin() + 4 + 2 * w, 0);
    } else if (type == "hdlr") {
      // version/flags, pre_defined, handler type, 3 reserved words, then a name.
      if (original.size() < 24) return fail("hdlr is cut short");
      if (original.sub(8, 4).str() == "soun") sawAudio_ = true;
      else return fail("not an audio-only file (a video?)");
      if (original.size() > 25 || (original.size() == 25 && original[24] != 0)) note(removed_, N_("software"));
      changed = original.sub(0, 24).copy();
      changed.push_back(0);
    } else if (type == "stco" || type == "co64") {
      // version/flags, entry count, entries (4 or 8 bytes), patched in run().
      const std::size_t w = type == "co64" ? 8 : 4;
      if (original.size() < 8) return fail(type + " is cut short");
      const std::uint64_t count = readU32BE(original.data() + 4);
      if (original.size() - 8 < count * w) return fail(type + " is cut short");
      const std::size_t first = out_.size() + 8 + 8;
      for (std::uint64_t i = 0; i < count; ++i) offsets_.emplace_back(first + i * w, w == 8);
    } else if (type == "mdat") {
      mdats_.push_back({at, out_.size() + 8, end - at});
    }
    const std::size_t start = out_.size();
    putBox(type, changed.empty() ? original : ByteView(changed));
    patchSize(start);
    return true;
  }

  ByteView in_;
  Bytes& out_;
  std::vector<std::string>& removed_;
  std::vector<Mdat> mdats_;
  std::vector<std::pair<std::size_t, bool>> offsets_;  // chunk offset positions in out_, 64-bit?
  bool sawAudio_ = false;
  std::string why_;
};

Filtered filterM4a(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  return M4aFilter(in, out, removed).run();
}

// Ogg (Opus and Vorbis voice notes: WhatsApp, Telegram, Android recorders). The
// comment header (the second packet: title, artist, date, location, the
// encoder's name) is replaced by an empty one; the identification header, the
// Vorbis setup header and every audio page are kept byte for byte, renumbered
// and re-checksummed. One logical stream only; whatever follows its last page
// is dropped.
// CRC-32 (polynomial 0x04C11DB7, unreflected, no final xor) of p[0..n), continuing from `crc`.
std::uint32_t oggCrc(const std::uint8_t* p, std::size_t n, std::uint32_t crc = 0) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t r = i << 24;
      for (int k = 0; k < 8; ++k) r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
      t[i] = r;
    }
    return t;
  }();
  for (std::size_t i = 0; i < n; ++i) crc = (crc << 8) ^ table[((crc >> 24) ^ p[i]) & 0xFF];
  return crc;
}

// A page's checksum: over the whole page with its own checksum field as zeros.
std::uint32_t oggPageCrc(const std::uint8_t* page, std::size_t size) {
  static const std::uint8_t zeros[4] = {};
  return oggCrc(page + 26, size - 26, oggCrc(zeros, 4, oggCrc(page, 22)));
}

struct OggPage {
  std::size_t at = 0, size = 0;   // the whole page in the input
  std::uint8_t flags = 0;         // 1 continued, 2 first, 4 last
  std::uint32_t serial = 0, seq = 0;
  std::vector<std::uint8_t> lacing;
  std::size_t bodyAt = 0;
};

// Appends one page of `segments` (lacing values) and `body` to `out`.
void putOggPage(Bytes& out, std::uint8_t flags, std::uint64_t granule, std::uint32_t serial, std::uint32_t seq,
                const std::vector<std::uint8_t>& lacing, ByteView body) {
  const std::size_t start = out.size();
  out.insert(out.end(), {'O', 'g', 'g', 'S', 0, flags});
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(granule >> (8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(serial >> (8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(seq >> (8 * i)));
  out.insert(out.end(), 4, 0);
  out.push_back(static_cast<std::uint8_t>(lacing.size()));
  out.insert(out.end(), lacing.begin(), lacing.end());
  out.insert(out.end(), body.begin(), body.end());
  putLe32(out.data() + start + 22, oggPageCrc(out.data() + start, out.size() - start));
}

Filtered filterOgg(ByteView in, Bytes& out, std::vector<std::string>& removed) {
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  std::vector<OggPage> pages;
  std::size_t i = 0;
  while (i + 27 <= n && std::memcmp(p + i, "OggS", 4) == 0) {
    OggPage pg;
    pg.at = i;
    if (p[i + 4] != 0) return {false, "unknown Ogg version"};
    pg.flags = p[i + 5];
    pg.serial = le32(p + i + 14), pg.seq = le32(p + i + 18);
    const std::size_t segs = p[i + 26];
    if (i + 27 + segs > n) return {false, "an Ogg page is cut short"};
    pg.lacing.assign(p + i + 27, p + i + 27 + segs);
    std::size_t body = 0;
    for (auto l : pg.lacing) body += l;
    pg.bodyAt = i + 27 + segs;
    pg.size = 27 + segs + body;
    if (i + pg.size > n) return {false, "an Ogg page is cut short"};
    if (oggPageCrc(p + i, pg.size) != le32(p + i + 22)) return {false, "an Ogg page fails its checksum"};
    if (!pages.empty() && pg.serial != pages[0].serial) return {false, "more than one Ogg stream"};
    pages.push_back(std::move(pg));
    i += pages.back().size;
    if (pages.back().flags & 4) break;  // end of stream
  }
  if (pages.size() < 3) return {false, "not a complete Ogg stream"};
  if (i < n) note(removed, N_("data hidden after the end of the file"));

  // The header packets, reassembled from the first pages, up to the page where
  // the last of them ends (an audio packet always starts a new page).
  std::vector<Bytes> packets(1);
  std::size_t headers = 0, page = 0;
  auto isOpus = [&] { return packets[0].size() >= 8 && std::memcmp(packets[0].data(), "OpusHead", 8) == 0; };
  auto isVorbis = [&] { return packets[0].size() >= 7 && std::memcmp(packets[0].data(), "\x01vorbis", 7) == 0; };
  for (; page < pages.size(); ++page) {
    const OggPage& pg = pages[page];
    std::size_t at = pg.bodyAt;
    for (auto l : pg.lacing) {
      packets.back().insert(packets.back().end(), p + at, p + at + l);
      at += l;
      if (l < 255) packets.emplace_back();
    }
    headers = (packets.size() >= 2 && isOpus()) ? 2 : (packets.size() >= 2 && isVorbis()) ? 3 : 0;
    if (page == 0 && packets.size() != 2) return {false, "the first Ogg page holds more than the stream's header"};
    if (headers != 0 && packets.size() - 1 >= headers) break;
  }
  if (page == 0 || page >= pages.size() - 1 || headers == 0)
    return {false, packets.size() >= 2 && !isOpus() && !isVorbis() ? "an Ogg stream other than Opus or Vorbis"
                                                                   : "the Ogg headers are incomplete"};
  if (packets.size() - 1 != headers || !packets.back().empty())
    return {false, "audio shares a page with the headers"};

  // The comment header: vendor (the encoder) and comments (the tags).
  const Bytes& tags = packets[1];
  const std::size_t magic = isOpus() ? 8 : 7;
  if (tags.size() < magic + 8 || std::memcmp(tags.data(), isOpus() ? "OpusTags" : "\x03vorbis", magic) != 0)
    return {false, "the Ogg comment header is missing"};
  const std::uint32_t vendor = le32(tags.data() + magic);
  if (tags.size() < magic + 8 + std::size_t{vendor}) return {false, "the Ogg comment header is cut short"};
  if (vendor) note(removed, N_("software"));
  if (le32(tags.data() + magic + 4 + vendor) != 0)
    note(removed, N_("tags (title, artist, date, location, recording app)"));
  Bytes empty(tags.begin(), tags.begin() + magic);
  empty.insert(empty.end(), 8, 0);  // no vendor, no comments
  if (!isOpus()) empty.push_back(1);  // Vorbis: framing bit

  out.clear();
  out.insert(out.end(), p + pages[0].at, p + pages[0].at + pages[0].size);
  // The new header pages: comment (and setup) packets, granule 0.
  std::uint32_t seq = pages[0].seq + 1;
  std::vector<std::uint8_t> lacing;
  Bytes body;
  bool continued = false;
  auto flush = [&] {
    putOggPage(out, continued ? 1 : 0, 0, pages[0].serial, seq++, lacing, body);
    lacing.clear(), body.clear();
  };
  for (std::size_t k = 1; k < headers; ++k) {
    const Bytes& packet = k == 1 ? empty : packets[k];
    std::size_t left = packet.size(), at = 0;
    for (;;) {
      const std::size_t l = std::min<std::size_t>(left, 255);
      if (lacing.size() == 255) {
        flush();
        continued = at > 0;
      }
      lacing.push_back(static_cast<std::uint8_t>(l));
      body.insert(body.end(), packet.begin() + at, packet.begin() + at + l);
      at += l, left -= l;
      if (l < 255) break;
    }
    continued = false;
  }
  flush();
  // The audio pages as they were, renumbered after the new header pages.
  for (std::size_t k = page + 1; k < pages.size(); ++k) {
    const OggPage& pg = pages[k];
    const std::size_t start = out.size();
    out.insert(out.end(), p + pg.at, p + pg.at + pg.size);
    putLe32(out.data() + start + 18, seq++);
    putLe32(out.data() + start + 22, oggPageCrc(out.data() + start, pg.size));
  }
  return {true, {}};
}

// libexiv2's view of a file: what metadata it carries, in plain words.
struct Exiv2View {
  bool readable = false;
  std::vector<std::string> found;
};

Exiv2View readWithExiv2(ByteView file) {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);  // never print what a file holds
    Exiv2::XmpParser::initialize();
  });
  Exiv2View v;
  try {
    auto img = Exiv2::ImageFactory::open(file.data(), static_cast<long>(file.size()));
    if (!img.get()) return v;
    img->readMetadata();
    v.readable = true;
    for (const auto& d : img->exifData()) {
      const std::string group = d.groupName(), tag = d.tagName();
      if (group == "GPSInfo") note(v.found, N_("GPS position"));
      else if (tag == "Make" || tag == "Model" || tag == "LensMake" || tag == "LensModel")
        note(v.found, N_("camera make and model"));
      else if (tag.find("SerialNumber") != std::string::npos || tag == "CameraOwnerName" || tag == "Artist")
        note(v.found, N_("serial number or owner name"));
      else if (tag.find("DateTime") != std::string::npos || tag.rfind("SubSecTime", 0) == 0 ||
               tag.rfind("OffsetTime", 0) == 0)
        note(v.found, N_("date and time taken"));
      else if (group == "Thumbnail" || group == "IFD1") note(v.found, N_("thumbnail of the original picture"));
      else if (tag == "MakerNote" || (group.rfind("Image", 0) != 0 && group != "Photo" && group != "Iop"))
        note(v.found, N_("maker notes (camera-specific data)"));
      else if (tag == "Software") note(v.found, N_("software"));
      else note(v.found, N_("other camera data (EXIF)"));
    }
    if (!img->iptcData().empty()) note(v.found, N_("IPTC data (captions, names, places)"));
    if (!img->xmpData().empty() || !img->xmpPacket().empty()) note(v.found, N_("XMP data (names, places, edit history)"));
    if (!img->comment().empty()) note(v.found, N_("comment"));
    if (img->iccProfileDefined()) note(v.found, N_("colour profile"));
  } catch (const Exiv2::AnyError&) {
    v.readable = false;
  } catch (const std::exception&) {
    v.readable = false;
  }
  return v;
}

}  // namespace

const char* mediaName(Media m) {
  switch (m) {
    case Media::Jpeg: return N_("JPEG photo");
    case Media::Png: return N_("PNG image");
    case Media::Webp: return N_("WebP image");
    case Media::Wav: return N_("WAV audio");
    case Media::Mp3: return N_("MP3 audio");
    case Media::M4a: return N_("M4A audio");
    case Media::Ogg: return N_("Ogg audio (Opus or Vorbis)");
    case Media::Heic: return N_("HEIC photo");
    case Media::Pdf: return N_("PDF document");
    case Media::Unknown: break;
  }
  return N_("unknown file type");
}

Media detectMedia(ByteView d) {
  auto starts = [&](std::size_t at, std::string_view magic) {
    return d.size() >= at + magic.size() && std::memcmp(d.data() + at, magic.data(), magic.size()) == 0;
  };
  if (starts(0, "\xFF\xD8\xFF")) return Media::Jpeg;
  if (starts(0, "\x89PNG\r\n\x1A\n")) return Media::Png;
  if (starts(0, "RIFF") && starts(8, "WEBP")) return Media::Webp;
  if (starts(0, "RIFF") && starts(8, "WAVE")) return Media::Wav;
  if (starts(0, "ID3") || (d.size() >= 4 && mpegFrameLength(d.data()) >= 4)) return Media::Mp3;
  if (starts(4, "ftypheic") || starts(4, "ftypheix") || starts(4, "ftypmif1") || starts(4, "ftyphevc") ||
      starts(4, "ftypavif"))
    return Media::Heic;
  if (starts(0, "%PDF-")) return Media::Pdf;
  if (starts(0, "OggS")) return Media::Ogg;
  if (starts(4, "ftyp")) return Media::M4a;  // any other ISO BMFF: refused below unless it is audio only
  return Media::Unknown;
}

namespace {
Scrubbed converted(Scrubbed s, bool ok, const std::string& detail, Bytes data, std::vector<std::string> removed) {
  s.status = ok ? ScrubStatus::Ok : ScrubStatus::Malformed;
  s.detail = ok ? std::string() : detail;
  s.data = std::move(data);
  s.removed = std::move(removed);
  return s;
}
}  // namespace

const char* mediaTypeOf(Media m) {
  switch (m) {
    case Media::Jpeg:
    case Media::Heic: return "image/jpeg";  // converted: heic.h
    case Media::Png: return "image/png";
    case Media::Webp: return "image/webp";
    case Media::Wav: return "audio/wav";
    case Media::Mp3: return "audio/mpeg";
    case Media::M4a: return "audio/mp4";
    case Media::Ogg: return "audio/ogg";
    case Media::Pdf: return "application/pdf";  // pages as images: pdf.h
    default: return "";
  }
}

Scrubbed scrub(ByteView file) {
  Scrubbed s;
  s.media = detectMedia(file);
  Filtered f;
  switch (s.media) {
    case Media::Jpeg: f = filterJpeg(file, s.data, s.removed); break;
    case Media::Png: f = filterPng(file, s.data, s.removed); break;
    case Media::Webp: f = filterWebp(file, s.data, s.removed); break;
    case Media::Wav: f = filterWav(file, s.data, s.removed); break;
    case Media::Mp3: f = filterMp3(file, s.data, s.removed); break;
    case Media::M4a: f = filterM4a(file, s.data, s.removed); break;
    case Media::Ogg: f = filterOgg(file, s.data, s.removed); break;
    // Converted, not filtered: only what can be seen goes on (a HEIC's pixels
    // as a JPEG, checked then like any JPEG; a PDF's pages as images).
    case Media::Pdf: {
      PdfAsImages c = pdfAsImages(file);
      return converted(std::move(s), c.ok, c.detail, std::move(c.pdf), std::move(c.removed));
    }
    case Media::Heic: {
      HeicToJpeg c = heicToJpeg(file);
      if (!c.ok) return converted(std::move(s), false, c.detail, {}, {});
      Scrubbed j = scrub(c.jpeg);
      if (j.status != ScrubStatus::Ok) return j.media = Media::Heic, j;
      return converted(std::move(s), true, {}, std::move(j.data), std::move(c.removed));
    }
    default:
      s.status = ScrubStatus::Unsupported;
      return s;
  }
  if (!f.ok) {
    s.status = ScrubStatus::Malformed;
    s.detail = f.detail;
    s.data.clear();
    s.removed.clear();
    return s;
  }
  if (s.media == Media::Wav || s.media == Media::Mp3 || s.media == Media::M4a || s.media == Media::Ogg) {
    // libexiv2 does not read audio; the whitelist is the whole of the check.
    s.status = ScrubStatus::Ok;
    return s;
  }
  // Name what the original carried in the words libexiv2 gives us (more
  // precise than the container's), then make sure none of it is left.
  std::vector<std::string> container = std::move(s.removed);
  s.removed = readWithExiv2(file).found;
  for (const auto& c : container) note(s.removed, c);
  auto after = readWithExiv2(s.data);
  if (!after.readable || !after.found.empty()) {
    s.status = ScrubStatus::Residue;
    s.detail = after.readable ? "still carries: " + after.found.front() : "libexiv2 cannot read the cleaned file";
    s.data.clear();
    return s;
  }
  s.status = ScrubStatus::Ok;
  return s;
}

}  // namespace gongyou::media
