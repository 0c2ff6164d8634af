#pragma once

#include "inventory/TargetSpec.h"
#include "runner/HostTarget.h"

namespace hostdeck::ui {

/// Turns resolved inventory hosts into the engine's HostTargets.
class TargetBuilder
{
public:
    static engine::HostTarget build(const TargetSpec& spec, const QStringList& localInterpreter);
};

} // namespace hostdeck::ui
