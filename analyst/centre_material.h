// What a centre hands out, made from its keyring: the signed key bundle (for
// relays and clients) and the centre code (for workers), with its QR code.
#pragma once

#include <cstdint>
#include <string>

#include "analyst/keyring.h"
#include "protocol/centre_code.h"

namespace gongyou::analyst {

// Signs the next bundle: version = keyring.bundleVersion + 1, recorded in the
// keyring (the caller saves it); recipients = analyst keys not expired by
// `today`; valid from today for `days`. Returns the framed SignedBundle file.
// Throws std::runtime_error when no analyst key is valid today or there is no
// relay.
Bytes makeBundle(Keyring& keyring, std::uint32_t today, std::uint32_t days);

protocol::CentreCode centreCodeOf(const Keyring& keyring);

// The QR code of `text` (alphanumeric mode for an upper-case centre code, error
// correction M): a standalone SVG document, and a block drawing for a UTF-8
// terminal. Throws std::runtime_error if libqrencode cannot encode it.
std::string qrSvg(const std::string& text);
std::string qrTerminal(const std::string& text);

}  // namespace gongyou::analyst
