// Saved replies without leaving the page: Insert puts the chosen reply (its placeholders
// filled in by the server) at the cursor in the message box and keeps what is typed there.
// Without script, the same Insert button reloads the ticket page with the reply in the box.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.saved-replies");
  const box = document.getElementById("message");
  if (!form || !box) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    try {
      const answer = await fetch(url, { credentials: "same-origin" });
      if (!answer.ok) {
        throw new Error("status " + answer.status);
      }
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const reply = page.getElementById("message");
      if (!reply) {
        throw new Error("no reply in the page");
      }
      const start = box.selectionStart ?? box.value.length;
      const end = box.selectionEnd ?? start;
      box.setRangeText(reply.value, start, end, "end");
      box.focus();
    } catch (problem) {
      // The page way, which works without script.
      form.submit();
    }
  });
});
