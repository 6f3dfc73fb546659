// Shows only the fields that fit the chosen participant kind (sign-up and profile). Each kind's
// radio button names its fields in `data-fields`, rendered from PARTICIPANT_KIND_FIELDS in
// strategy_portal/models.py, so this script holds no list of its own.
// Without JavaScript all fields stay visible and the server ignores the ones that do not apply.
(function () {
  "use strict";

  function fieldsOf(radio) {
    return (radio.getAttribute("data-fields") || "").split(" ").filter(Boolean);
  }

  function update(form) {
    var radios = Array.prototype.slice.call(form.querySelectorAll('input[name="kind"]'));
    var checked = radios.filter(function (radio) { return radio.checked; })[0];
    if (!checked) return;
    var show = fieldsOf(checked);
    radios.forEach(function (radio) {
      fieldsOf(radio).forEach(function (name) {
        var input = form.querySelector('[name="' + name + '"]');
        var wrapper = input && input.closest(".kern-form-input");
        if (wrapper) wrapper.hidden = show.indexOf(name) === -1;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector('input[name="kind"][data-fields]')) return;
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") update(form);
      });
      update(form);
    });
  });
})();
