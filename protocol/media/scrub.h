// Scrubbing attachments of what identifies the worker, before encryption.
//
// A phone photo carries GPS coordinates, the phone's make, model and serial,
// the time to the second, a thumbnail of the uncropped picture and maker notes;
// a voice note carries the recorder's name, the date and the software. Files
// are rewritten from a whitelist of what a decoder needs (JPEG segments, PNG,
// WebP and WAV chunks, MP3 frames, M4A boxes, Ogg pages): everything else, known or not, is dropped,
// so a metadata format nobody has heard of yet cannot slip through. libexiv2 (made
// for reading such metadata) then names what the original carried, for the
// worker to see, and checks that the scrubbed image carries none of it — if it
// still does, the file is refused, never sent.
//
// Failure modes: never throws for bad input; a status names the problem.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::media {

// Told by the content, never by the file name.
enum class Media { Jpeg, Png, Webp, Wav, Mp3, M4a, Ogg, Heic, Pdf, Unknown };
const char* mediaName(Media m);  // "JPEG photo", …
Media detectMedia(ByteView data);
// The media type a cleaned file of `m` is sent as (a HEIC photo as the JPEG it
// becomes, a PDF as its pages' images): one of protocol/attachments.h
// kAttachmentTypes, or "" for what is never sent.
const char* mediaTypeOf(Media m);

enum class ScrubStatus {
  Ok,
  Unsupported,  // a type gongyou cannot clean safely (unknown): refuse it
  Malformed,    // not a well-formed file of its type
  Residue,      // the cleaned file still shows metadata to libexiv2: refused
};

struct Scrubbed {
  ScrubStatus status = ScrubStatus::Malformed;
  Media media = Media::Unknown;
  Bytes data;                        // the cleaned file (Ok only)
  std::vector<std::string> removed;  // what was taken out, in plain words ("GPS position", …)
  std::string detail;                // for Malformed/Residue: what was wrong
};

// A HEIC photo comes back as a JPEG of the same picture (protocol/media/heic.h), a PDF
// as a PDF of images of its pages (protocol/media/pdf.h); `media` says what came in.
Scrubbed scrub(ByteView file);

}  // namespace gongyou::media
