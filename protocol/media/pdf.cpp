#include "protocol/media/pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "protocol/media/jpeg_writer.h"
#include "protocol/media/poppler_open.h"
#include "protocol/messages.h"

namespace gongyou::media {
namespace {

void appendText(Bytes& out, const std::string& s) { out.insert(out.end(), s.begin(), s.end()); }

// A minimal PDF 1.4: catalog, page tree, and per page a page object, a
// content stream that paints one image over the whole page, and the image
// (DCTDecode: the JPEG as it is). No information dictionary, no metadata.
Bytes imagePdf(const std::vector<Bytes>& jpegs, const std::vector<std::pair<int, int>>& sizes) {
  Bytes out;
  std::vector<std::size_t> offsets;  // of objects 1..n
  auto object = [&](const std::string& head, const Bytes* stream = nullptr) {
    offsets.push_back(out.size());
    appendText(out, std::to_string(offsets.size()) + " 0 obj\n" + head);
    if (stream) {
      appendText(out, "\nstream\n");
      out.insert(out.end(), stream->begin(), stream->end());
      appendText(out, "\nendstream");
    }
    appendText(out, "\nendobj\n");
  };
  appendText(out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  const std::size_t n = jpegs.size();
  object("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (std::size_t i = 0; i < n; ++i) kids += std::to_string(3 + 3 * i) + " 0 R ";
  object("<< /Type /Pages /Count " + std::to_string(n) + " /Kids [ " + kids + "] >>");
  for (std::size_t i = 0; i < n; ++i) {
    const auto [w, h] = sizes[i];
    char wpt[32], hpt[32];  // the page in points, as large as it was
    std::snprintf(wpt, sizeof wpt, "%.2f", w * 72.0 / kPdfDpi);
    std::snprintf(hpt, sizeof hpt, "%.2f", h * 72.0 / kPdfDpi);
    const std::string content = std::to_string(4 + 3 * i), image = std::to_string(5 + 3 * i);
    object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::string(wpt) + " " + hpt + "] /Contents " + content +
           " 0 R /Resources << /XObject << /P " + image + " 0 R >> >> >>");
    // The image scaled to the whole page.
    const std::string draw = "q " + std::string(wpt) + " 0 0 " + hpt + " 0 0 cm /P Do Q";
    const Bytes drawBytes(draw.begin(), draw.end());
    object("<< /Length " + std::to_string(drawBytes.size()) + " >>", &drawBytes);
    object("<< /Type /XObject /Subtype /Image /Width " + std::to_string(w) + " /Height " + std::to_string(h) +
               " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length " +
               std::to_string(jpegs[i].size()) + " >>",
           &jpegs[i]);
  }
  const std::size_t xref = out.size();
  appendText(out, "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n");
  for (auto o : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    appendText(out, line);
  }
  appendText(out, "trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
                      std::to_string(xref) + "\n%%EOF\n");
  return out;
}


}  // namespace

PdfAsImages pdfAsImages(ByteView pdf) {
  PdfAsImages r;
  auto doc = openPdf(pdf);
  if (!doc) return r.detail = "Poppler cannot read it", r;
  if (doc->is_locked()) return r.detail = "it is protected by a password", r;
  r.pages = doc->pages();
  if (r.pages <= 0) return r.detail = "it has no pages", r;
  if (r.pages > kMaxPdfPages)
    return r.detail = std::to_string(r.pages) + " pages (at most " + std::to_string(kMaxPdfPages) + ")", r;

  bool info = false;
  for (const auto& k : doc->info_keys())
    if (k != "Trapped") info = true;
  if (info) r.removed.emplace_back(N_("document information (author, software, dates)"));
  if (!doc->metadata().empty()) r.removed.emplace_back(N_("XMP data (names, places, edit history)"));
  if (doc->has_embedded_files()) r.removed.emplace_back(N_("files embedded in the document"));
  r.removed.emplace_back(N_("text layer, links, forms, annotations and scripts (the pages are kept as images)"));

  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_rgb24);
  std::vector<Bytes> jpegs;
  std::vector<std::pair<int, int>> sizes;
  for (int i = 0; i < r.pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) return r.detail = "page " + std::to_string(i + 1) + " cannot be read", r;
    poppler::image img = renderer.render_page(page.get(), kPdfDpi, kPdfDpi);
    if (!img.is_valid() || img.format() != poppler::image::format_rgb24)
      return r.detail = "page " + std::to_string(i + 1) + " cannot be rendered", r;
    Bytes jpeg;
    if (!encodeJpeg(reinterpret_cast<const std::uint8_t*>(img.const_data()), img.width(), img.height(),
                    img.bytes_per_row(), 85, jpeg))
      return r.detail = "page " + std::to_string(i + 1) + " cannot be encoded", r;
    jpegs.push_back(std::move(jpeg));
    sizes.emplace_back(img.width(), img.height());
  }
  r.pdf = imagePdf(jpegs, sizes);
  // What went out is read back: the same number of pages and no information.
  auto again = openPdf(r.pdf);
  if (!again || again->pages() != r.pages || !again->info_keys().empty() || !again->metadata().empty())
    return r.detail = "the rewritten document does not read back cleanly", r;
  r.ok = true;
  return r;
}

}  // namespace gongyou::media
