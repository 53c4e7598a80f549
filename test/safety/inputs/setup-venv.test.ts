import { describeInputCases, plainWorlds } from "../input-cases.js";

describeInputCases("setup-venv", plainWorlds["setup-venv"]);
