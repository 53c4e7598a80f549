import { auditWorld, describeInputCases } from "../input-cases.js";

const audit = auditWorld();
describeInputCases("audit", audit.world, audit);
