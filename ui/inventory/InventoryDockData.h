#pragma once

#include "inventory/Inventory.h"
#include "inventory/InventoryDock.h"

namespace hostdeck::ui {

/// What the dock's source files share: the engine inventory and the keychain store.
struct InventoryDock::Data
{
    engine::Inventory inventory;
    engine::CredentialStore* store = nullptr;
};

} // namespace hostdeck::ui
