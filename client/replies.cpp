#include "client/replies.h"

#include <algorithm>

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
    auto replies = resp.getReplies();
    auto days = resp.getDays();
    for (unsigned i = 0; i < replies.size(); ++i) {
      auto text = protocol::openReply(keys.identity, ByteView(replies[i].begin(), replies[i].size()));
      if (text) out.answers.push_back({i < days.size() ? days[i] : 0, std::move(*text)});
      else ++out.unreadable;
    }
    std::stable_sort(out.answers.begin(), out.answers.end(),
                     [](const Reply& a, const Reply& b) { return a.day < b.day; });
  });
  return out;
}

}  // namespace gongyou::client
