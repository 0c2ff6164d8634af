#pragma once

#include "engine/inventory/Inventory.h"
#include "ui/inventory/InventoryDock.h"

namespace hostdeck::ui {

/// What the dock's source files share: the engine inventory and the keychain store.
struct InventoryDock::Data
{
    engine::Inventory inventory;
    engine::CredentialStore* store = nullptr;
};

} // namespace hostdeck::ui
