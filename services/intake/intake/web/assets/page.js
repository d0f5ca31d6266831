// Pages with nothing but the chrome (the 404 page).

import { start } from "./ui.js";

start();
