// Loads every group's handler module so each registers its route docs (zod schemas) for the OpenAPI document; one line per group (a test fails when a route is missing from the spec).
import '../admin/handler.js';
import '../attachments/handler.js';
import '../auth/handler.js';
import '../invitations/handler.js';
import '../messages/handler.js';
import '../rooms/handler.js';
import '../system/handler.js';
import '../users/handler.js';
