// Shows only the fields that fit the chosen participant kind (sign-up and profile).
// Without JavaScript all fields stay visible and the server ignores the ones that do not apply.
(function () {
  "use strict";
  var relevant = {
    citizen: [],
    company: ["organisation_name", "sector", "company_size"],
    institution: ["organisation_name", "institution_type"],
  };
  var optional = ["organisation_name", "sector", "company_size", "institution_type"];

  function update(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    if (!checked) return;
    var show = relevant[checked.value] || [];
    optional.forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) return;
      var wrapper = input.closest(".kern-form-input");
      if (wrapper) wrapper.hidden = show.indexOf(name) === -1;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector('input[name="kind"]')) return;
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") update(form);
      });
      update(form);
    });
  });
})();
