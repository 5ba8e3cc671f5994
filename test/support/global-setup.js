module.exports = require('./global-audio-dir').setup;
