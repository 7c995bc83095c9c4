// The desk's page (analyst/desk: index.html, the esbuild bundle of its
// TypeScript, its style sheet), built into the program so that the air-gapped
// machine needs no other file and nothing can swap the page under the analyst.
// Generated at build time by analyst/desk/embed.cmake.
#pragma once

#include <cstddef>

namespace gongyou::analyst {

struct DeskAsset {
  const char* path;  // as requested: "/index.html", "/desk.js", "/desk.css"
  const char* type;  // Content-Type
  const unsigned char* data;
  std::size_t size;
};

extern const DeskAsset kDeskAssets[];
extern const std::size_t kDeskAssetCount;

}  // namespace gongyou::analyst
