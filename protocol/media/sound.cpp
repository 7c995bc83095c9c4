// freshSound (view.h): voice notes decoded by libavformat/libavcodec and
// written anew as PCM WAV.
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include "protocol/media/scrub.h"
#include "protocol/media/view.h"

namespace gongyou::media {

namespace {

struct Memory {
  const std::uint8_t* data;
  std::size_t size, at = 0;
};

int readMemory(void* opaque, std::uint8_t* buf, int size) {
  auto* m = static_cast<Memory*>(opaque);
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(size), m->size - m->at);
  if (n == 0) return AVERROR_EOF;
  std::memcpy(buf, m->data + m->at, n);
  m->at += n;
  return static_cast<int>(n);
}

std::int64_t seekMemory(void* opaque, std::int64_t offset, int whence) {
  auto* m = static_cast<Memory*>(opaque);
  if (whence == AVSEEK_SIZE) return static_cast<std::int64_t>(m->size);
  std::int64_t to = (whence & ~AVSEEK_FORCE) == SEEK_SET ? offset
                    : (whence & ~AVSEEK_FORCE) == SEEK_CUR ? static_cast<std::int64_t>(m->at) + offset
                    : (whence & ~AVSEEK_FORCE) == SEEK_END ? static_cast<std::int64_t>(m->size) + offset
                                                          : -1;
  if (to < 0 || to > static_cast<std::int64_t>(m->size)) return -1;
  m->at = static_cast<std::size_t>(to);
  return to;
}

void appendLE(Bytes& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Bytes wavOf(const std::vector<std::int16_t>& samples) {
  Bytes out;
  const std::uint32_t data = static_cast<std::uint32_t>(samples.size() * 2);
  const char* riff = "RIFF";
  out.insert(out.end(), riff, riff + 4);
  appendLE(out, 36 + data, 4);
  const char* wavefmt = "WAVEfmt ";
  out.insert(out.end(), wavefmt, wavefmt + 8);
  appendLE(out, 16, 4);
  appendLE(out, 1, 2);  // PCM
  appendLE(out, 1, 2);  // mono
  appendLE(out, kListenRate, 4);
  appendLE(out, kListenRate * 2, 4);
  appendLE(out, 2, 2);
  appendLE(out, 16, 2);
  const char* d = "data";
  out.insert(out.end(), d, d + 4);
  appendLE(out, data, 4);
  const auto* p = reinterpret_cast<const std::uint8_t*>(samples.data());
  out.insert(out.end(), p, p + data);  // little-endian host (x86-64, arm64)
  return out;
}

}  // namespace

FreshSound freshSound(ByteView file) {
  FreshSound out;
  // Which container, from the bytes; and only the decoders such a file may use.
  const Media m = detectMedia(file);
  const char* format = m == Media::Wav ? "wav" : m == Media::Mp3 ? "mp3" : m == Media::M4a ? "mp4" : m == Media::Ogg ? "ogg" : nullptr;
  if (!format) return out.detail = "not a sound file", out;
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });  // a worker's file is nobody's log line

  Memory mem{file.data(), file.size()};
  constexpr int kBuffer = 64 * 1024;
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kBuffer));
  AVIOContext* io = avio_alloc_context(buffer, kBuffer, 0, &mem, readMemory, nullptr, seekMemory);
  if (!io) return av_free(buffer), out.detail = "out of memory", out;
  std::unique_ptr<AVIOContext, void (*)(AVIOContext*)> ioOwner(io, [](AVIOContext* c) {
    av_freep(&c->buffer);
    avio_context_free(&c);
  });
  AVFormatContext* fmt = avformat_alloc_context();
  fmt->pb = io;
  fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (avformat_open_input(&fmt, nullptr, av_find_input_format(format), nullptr) != 0)
    return out.detail = "FFmpeg cannot read it", out;
  std::unique_ptr<AVFormatContext*, void (*)(AVFormatContext**)> fmtOwner(&fmt, avformat_close_input);
  if (avformat_find_stream_info(fmt, nullptr) < 0) return out.detail = "FFmpeg cannot read it", out;
  const AVCodec* codec = nullptr;
  const int stream = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream < 0 || !codec) return out.detail = "no sound in it", out;
  static const AVCodecID kAllowed[] = {AV_CODEC_ID_PCM_S16LE, AV_CODEC_ID_PCM_U8,     AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S32LE,
                                       AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_MP3,        AV_CODEC_ID_AAC,       AV_CODEC_ID_VORBIS,
                                       AV_CODEC_ID_OPUS,      AV_CODEC_ID_FLAC};
  if (std::find(std::begin(kAllowed), std::end(kAllowed), codec->id) == std::end(kAllowed))
    return out.detail = std::string("sound in a form the reporter's tool does not send (") + codec->name + ")", out;
  std::unique_ptr<AVCodecContext, void (*)(AVCodecContext*)> cc(avcodec_alloc_context3(codec),
                                                                  [](AVCodecContext* c) { avcodec_free_context(&c); });
  if (!cc || avcodec_parameters_to_context(cc.get(), fmt->streams[stream]->codecpar) < 0 ||
      avcodec_open2(cc.get(), codec, nullptr) < 0)
    return out.detail = "FFmpeg cannot decode it", out;

  SwrContext* swr = nullptr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  if (swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_S16, kListenRate, &cc->ch_layout, cc->sample_fmt,
                          cc->sample_rate, 0, nullptr) < 0 ||
      swr_init(swr) < 0) {
    swr_free(&swr);
    return out.detail = "FFmpeg cannot convert it", out;
  }
  std::unique_ptr<SwrContext*, void (*)(SwrContext**)> swrOwner(&swr, swr_free);
  std::unique_ptr<AVPacket, void (*)(AVPacket*)> pkt(av_packet_alloc(), [](AVPacket* p) { av_packet_free(&p); });
  std::unique_ptr<AVFrame, void (*)(AVFrame*)> frame(av_frame_alloc(), [](AVFrame* f) { av_frame_free(&f); });
  std::vector<std::int16_t> samples;
  const std::size_t cap = static_cast<std::size_t>(kListenRate) * kMaxListenSeconds;
  auto convert = [&](const AVFrame* f) {
    const int room = swr_get_out_samples(swr, f ? f->nb_samples : 0);
    if (room <= 0) return true;
    std::vector<std::int16_t> chunk(static_cast<std::size_t>(room));
    auto* dst = reinterpret_cast<std::uint8_t*>(chunk.data());
    const int got = swr_convert(swr, &dst, room, f ? const_cast<const std::uint8_t**>(f->extended_data) : nullptr,
                                f ? f->nb_samples : 0);
    if (got < 0) return false;
    samples.insert(samples.end(), chunk.begin(), chunk.begin() + got);
    return samples.size() <= cap;
  };
  auto drain = [&]() {
    int r;
    while ((r = avcodec_receive_frame(cc.get(), frame.get())) == 0) {
      const bool fine = convert(frame.get());
      av_frame_unref(frame.get());
      if (!fine) return false;
    }
    return r == AVERROR(EAGAIN) || r == AVERROR_EOF;
  };
  bool fine = true;
  while (fine && av_read_frame(fmt, pkt.get()) >= 0) {
    if (pkt->stream_index == stream) fine = avcodec_send_packet(cc.get(), pkt.get()) >= 0 && drain();
    av_packet_unref(pkt.get());
  }
  if (fine) fine = avcodec_send_packet(cc.get(), nullptr) >= 0 && drain() && convert(nullptr);
  if (samples.size() > cap) return out.detail = "longer than " + std::to_string(kMaxListenSeconds / 60) + " minutes", out;
  if (!fine && samples.empty()) return out.detail = "FFmpeg cannot decode it", out;
  if (samples.empty()) return out.detail = "no sound in it", out;
  out.seconds = static_cast<double>(samples.size()) / kListenRate;
  out.wav = wavOf(samples);
  out.ok = true;
  return out;
}

}  // namespace gongyou::media
