// The console's forms: show only the fields the chosen status needs, and ask before a
// warning goes out to residents. The forms work without it.
(function () {
  'use strict';
  var to = document.getElementById('to');
  if (to) {
    var needs = {
      photo: ['resolved'],
      duplicate_of: ['duplicate'],
      'unit-select': ['assigned']
    };
    var update = function () {
      Object.keys(needs).forEach(function (id) {
        var input = document.getElementById(id);
        if (!input) return;
        var box = input.closest('.field');
        if (box) box.hidden = needs[id].indexOf(to.value) < 0;
      });
    };
    to.addEventListener('change', update);
    update();
  }
  var composer = document.getElementById('composer');
  if (composer) {
    composer.addEventListener('submit', function (e) {
      var submitter = e.submitter;
      if (submitter && submitter.value === 'publish' && composer.dataset.confirm) {
        if (!window.confirm(composer.dataset.confirm)) e.preventDefault();
      }
    });
  }
})();
