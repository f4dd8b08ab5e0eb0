// vanban: start Swagger UI on /api/docs from the app's own copy (no CDN, no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
