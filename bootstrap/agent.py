# placeholder agent
