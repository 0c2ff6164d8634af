#pragma once

#include "util/Result.h"

#include <QByteArray>

namespace hostdeck::engine::lzma {

/// xz-compress `data` (preset 0-9, optionally extreme). Returns an empty array on failure.
QByteArray compress(const QByteArray& data, int preset = 6, bool extreme = false);

/// Decompress an xz stream, refusing to produce more than `maxOutput` bytes.
Result<QByteArray> decompress(const QByteArray& data, qsizetype maxOutput);

} // namespace hostdeck::engine::lzma
