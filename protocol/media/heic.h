// HEIC photos (the iPhone's default) become JPEG before they are sent: libheif
// decodes the primary image (rotation and mirroring applied, as a viewer shows
// it) and libjpeg encodes its pixels. Nothing of the original container
// survives — EXIF (GPS, phone, times), XMP, thumbnails, depth maps, other
// images in the file — because only pixels are carried over. The worker is told
// what the original held.
//
// Failure modes: never throws for bad input; ok == false with a reason.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::media {

struct HeicToJpeg {
  bool ok = false;
  Bytes jpeg;
  std::vector<std::string> removed;  // what the HEIC carried besides the picture
  std::string detail;                // why not, when !ok
};

// `quality`: libjpeg's 1..100; 92 keeps a photo of a pay slip legible.
HeicToJpeg heicToJpeg(ByteView heic, int quality = 92);

}  // namespace gongyou::media
