#include "protocol/media/heic.h"

#include <libheif/heif.h>

#include <memory>

#include "protocol/media/jpeg_writer.h"
#include "protocol/messages.h"

namespace gongyou::media {
namespace {

template <typename T, void (*F)(T*)>
struct Release {
  void operator()(T* p) const {
    if (p) F(p);
  }
};
using Context = std::unique_ptr<heif_context, Release<heif_context, heif_context_free>>;
using Handle = std::unique_ptr<heif_image_handle, Release<const heif_image_handle, heif_image_handle_release>>;
using Image = std::unique_ptr<heif_image, Release<const heif_image, heif_image_release>>;

}  // namespace

HeicToJpeg heicToJpeg(ByteView heic, int quality) {
  HeicToJpeg r;
  Context ctx(heif_context_alloc());
  if (!ctx) return r.detail = "out of memory", r;
  heif_error e = heif_context_read_from_memory_without_copy(ctx.get(), heic.data(), heic.size(), nullptr);
  if (e.code != heif_error_Ok) return r.detail = std::string("libheif: ") + e.message, r;
  heif_image_handle* raw = nullptr;
  e = heif_context_get_primary_image_handle(ctx.get(), &raw);
  Handle handle(raw);
  if (e.code != heif_error_Ok) return r.detail = std::string("libheif: ") + e.message, r;

  if (heif_image_handle_get_number_of_metadata_blocks(handle.get(), "Exif") > 0)
    r.removed.emplace_back(N_("EXIF data (GPS position, phone, date and time taken)"));
  if (heif_image_handle_get_number_of_metadata_blocks(handle.get(), "mime") > 0) r.removed.emplace_back(N_("XMP data"));
  if (heif_image_handle_get_number_of_thumbnails(handle.get()) > 0)
    r.removed.emplace_back(N_("thumbnail of the original picture"));
  if (heif_image_handle_has_depth_image(handle.get())) r.removed.emplace_back(N_("depth map"));
  if (heif_context_get_number_of_top_level_images(ctx.get()) > 1) r.removed.emplace_back(N_("other images in the file"));
  if (heif_image_handle_get_color_profile_type(handle.get()) != heif_color_profile_type_not_present)
    r.removed.emplace_back(N_("colour profile"));

  heif_image* decoded = nullptr;
  e = heif_decode_image(handle.get(), &decoded, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr);
  Image image(decoded);
  if (e.code != heif_error_Ok) return r.detail = std::string("libheif cannot decode it: ") + e.message, r;
  int stride = 0;
  const std::uint8_t* rgb = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  const int width = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int height = heif_image_get_height(image.get(), heif_channel_interleaved);
  if (!rgb || width <= 0 || height <= 0) return r.detail = "no picture in it", r;
  if (!encodeJpeg(rgb, width, height, stride, quality, r.jpeg)) return r.detail = "JPEG encoding failed", r;
  r.ok = true;
  return r;
}

}  // namespace gongyou::media
