// Starts Swagger UI on /docs with unknot's OpenAPI document.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
