// Evaluated in a task of its own before the app (main.ts): the libraries every screen needs. Its chunk
// starts with the mark the UI benchmark times the app's start from (web/vite.config.ts).
import 'vue'
import '@tanstack/vue-virtual'
