module.exports = require('./global-audio-dir').teardown;
