#include "client/replies.h"

#include "client/enrol.h"
#include "protocol/reply.h"

namespace gongyou::client {

Replies fetchReplies(const Pinned& pinned, const crypto::ReplyCode& code, kj::AsyncIoContext& io, const protocol::Net& net) {
  auto keys = crypto::deriveReplyKeys(code);
  Replies out;
  protocol::withRelay(io, relaysOf(pinned), net, [&](proto::Relay::Client& relay, const protocol::CallTimeout& bound) {
    auto req = relay.fetchRepliesRequest();
    req.setMailbox(kj::arrayPtr(keys.mailbox.data(), keys.mailbox.size()));
    auto resp = bound(req.send()).wait(io.waitScope);
    out = {};
    for (auto r : resp.getReplies()) {
      auto text = protocol::openReply(keys.identity, ByteView(r.begin(), r.size()));
      if (text) out.texts.push_back(std::move(*text));
      else ++out.unreadable;
    }
  });
  return out;
}

}  // namespace gongyou::client
