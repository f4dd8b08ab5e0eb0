// vanban: drag-and-drop upload with progress, then each file's reading followed until done; smooth jumps to highlighted spans. No build step.
"use strict";

// One upload's job: its status and progress while it is read, then the document or the reason.
function showJob(li, job) {
  li.textContent = "";
  li.className = "job";
  if (job.status === "done" && job.document_url) {
    const a = document.createElement("a");
    a.href = job.document_url; a.textContent = job.name;
    li.appendChild(a);
    li.appendChild(document.createTextNode(" — " + job.status_label + ", " + job.tasks + " nhiệm vụ, " + job.reports + " báo cáo liên kết"));
    return;
  }
  const b = document.createElement("b");
  b.textContent = job.name;
  li.appendChild(b);
  li.appendChild(document.createTextNode(" — " + job.status_label));
  if (job.error) {
    const p = document.createElement("p");
    p.className = "error"; p.textContent = job.error;
    li.appendChild(p);
  }
  if (job.final) return;
  const bar = document.createElement("progress");
  bar.max = 100; bar.value = job.progress;
  li.appendChild(bar);
  setTimeout(() => pollJob(li, job.url), 1000);
}

function pollJob(li, url) {
  fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((job) => showJob(li, job))
    .catch(() => setTimeout(() => pollJob(li, url), 3000));
}
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) {
    const drop = document.getElementById("drop");
    const input = document.getElementById("files");
    const bar = document.getElementById("progress");
    const out = document.getElementById("results");
    ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (ev) => { input.files = ev.dataTransfer.files; });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!input.files.length) return;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false; bar.value = 0;
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); });
      xhr.addEventListener("load", () => {
        bar.value = 100;
        out.textContent = "";
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
        if (xhr.status !== 202 || !data || !data.files) {
          const li = document.createElement("li");
          li.className = "error";
          const detail = data && typeof data.detail === "string" ? data.detail : "";
          li.textContent = detail || ("Máy chủ trả lỗi " + xhr.status + ". Hãy thử lại.");
          out.appendChild(li);
          return;
        }
        bar.hidden = true;
        for (const f of data.files) {
          const li = document.createElement("li");
          out.appendChild(li);
          showJob(li, f);
        }
      });
      xhr.addEventListener("error", () => { out.textContent = "Không gửi được tệp."; });
      xhr.send(new FormData(form));
    });
  }
  for (const a of document.querySelectorAll("a.jump")) {
    a.addEventListener("click", (ev) => {
      const el = document.getElementById(a.getAttribute("href").slice(1));
      if (!el) return;
      ev.preventDefault();
      el.scrollIntoView({ behavior: "smooth", block: "center" });
      el.classList.add("flash");
      setTimeout(() => el.classList.remove("flash"), 1500);
    });
  }
  const toggle = document.getElementById("menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  const passage = document.getElementById("passage");
  if (passage) passage.scrollIntoView({ block: "center" });
});
