#pragma once

#include "inventory/InventoryDock.h"
#include "inventory/Inventory.h"

namespace hostdeck::ui {

/// What the dock's source files share: the engine inventory and the keychain store.
struct InventoryDock::Data
{
    engine::Inventory inventory;
    engine::CredentialStore* store = nullptr;
};

} // namespace hostdeck::ui
