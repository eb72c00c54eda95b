// What Vite's bundling adds to plain ES modules, for the type check (web/tsconfig.json).
declare module '*.css';
