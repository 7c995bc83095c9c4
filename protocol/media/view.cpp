#include "protocol/media/view.h"

#include <jpeglib.h>
#include <png.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <webp/decode.h>

#include <csetjmp>
#include <cstdio>
#include <memory>
#include <mutex>

#include "protocol/media/jpeg_writer.h"
#include "protocol/media/poppler_open.h"
#include "protocol/media/scrub.h"

namespace gongyou::media {

namespace {

struct Pixels {
  std::vector<std::uint8_t> rgb;
  int width = 0, height = 0;
};

bool tooLarge(long w, long h) { return w <= 0 || h <= 0 || w * h > kMaxViewPixels; }

// libjpeg reports errors by longjmp, never by printing or exiting.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

std::string decodeJpeg(ByteView file, Pixels& px) {
  jpeg_decompress_struct d{};
  JpegError err{};
  d.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = [](j_common_ptr c) { std::longjmp(reinterpret_cast<JpegError*>(c->err)->jump, 1); };
  err.mgr.output_message = [](j_common_ptr) {};
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&d);
    return "libjpeg cannot decode it";
  }
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, file.data(), static_cast<unsigned long>(file.size()));
  jpeg_read_header(&d, TRUE);
  if (tooLarge(d.image_width, d.image_height)) {
    jpeg_destroy_decompress(&d);
    return "too many pixels";
  }
  d.out_color_space = JCS_RGB;
  jpeg_start_decompress(&d);
  px.width = static_cast<int>(d.output_width), px.height = static_cast<int>(d.output_height);
  px.rgb.resize(static_cast<std::size_t>(px.width) * px.height * 3);
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = px.rgb.data() + static_cast<std::size_t>(d.output_scanline) * px.width * 3;
    jpeg_read_scanlines(&d, &row, 1);
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return {};
}

std::string decodePng(ByteView file, Pixels& px) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, file.data(), file.size())) return "libpng cannot read it";
  if (tooLarge(img.width, img.height)) {
    png_image_free(&img);
    return "too many pixels";
  }
  img.format = PNG_FORMAT_RGB;
  px.width = static_cast<int>(img.width), px.height = static_cast<int>(img.height);
  px.rgb.resize(PNG_IMAGE_SIZE(img));
  // Transparent parts over white, as a viewer would show them.
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&img, &white, px.rgb.data(), 0, nullptr)) {
    png_image_free(&img);
    return "libpng cannot decode it";
  }
  return {};
}

std::string decodeWebp(ByteView file, Pixels& px) {
  int w = 0, h = 0;
  if (!WebPGetInfo(file.data(), file.size(), &w, &h)) return "libwebp cannot read it";
  if (tooLarge(w, h)) return "too many pixels";
  px.width = w, px.height = h;
  px.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  if (!WebPDecodeRGBInto(file.data(), file.size(), px.rgb.data(), px.rgb.size(), w * 3)) return "libwebp cannot decode it";
  return {};
}

}  // namespace

FreshImages freshPixels(ByteView file, int page, int* pagesOut) {
  FreshImages out;
  const Media m = detectMedia(file);
  if (pagesOut) *pagesOut = 1;
  if (m == Media::Pdf) {
    auto doc = openPdf(file);
    if (!doc || doc->is_locked()) return out.detail = "Poppler cannot read it", out;
    if (pagesOut) *pagesOut = doc->pages();
    if (page < 0 || page >= doc->pages()) return out.detail = "no such page", out;
    std::unique_ptr<poppler::page> p(doc->create_page(page));
    if (!p) return out.detail = "the page cannot be read", out;
    const auto box = p->page_rect();
    if (tooLarge(static_cast<long>(box.width() * kViewPdfDpi / 72), static_cast<long>(box.height() * kViewPdfDpi / 72)))
      return out.detail = "too many pixels", out;
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_rgb24);
    poppler::image img = renderer.render_page(p.get(), kViewPdfDpi, kViewPdfDpi);
    if (!img.is_valid()) return out.detail = "the page cannot be rendered", out;
    Bytes jpeg;
    if (!encodeJpeg(reinterpret_cast<const std::uint8_t*>(img.const_data()), img.width(), img.height(),
                    img.bytes_per_row(), 85, jpeg))
      return out.detail = "the page cannot be encoded", out;
    out.jpegs.push_back(std::move(jpeg));
    out.ok = true;
    return out;
  }
  Pixels px;
  std::string why;
  switch (m) {
    case Media::Jpeg: why = decodeJpeg(file, px); break;
    case Media::Png: why = decodePng(file, px); break;
    case Media::Webp: why = decodeWebp(file, px); break;
    default: return out.detail = "not a photo or a document", out;
  }
  if (!why.empty()) return out.detail = why, out;
  Bytes jpeg;
  if (!encodeJpeg(px.rgb.data(), px.width, px.height, px.width * 3, 88, jpeg)) return out.detail = "cannot be encoded", out;
  out.jpegs.push_back(std::move(jpeg));
  out.ok = true;
  return out;
}

}  // namespace gongyou::media
