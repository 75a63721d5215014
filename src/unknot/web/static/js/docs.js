// @ts-check
// Starts Swagger UI on /docs with unknot's OpenAPI document (the bundle is the swagger-ui
// package's own script, loaded before this one).
const bundle = /** @type {any} */ (window).SwaggerUIBundle;
bundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
