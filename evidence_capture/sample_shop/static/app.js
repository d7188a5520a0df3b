document.title = document.title + " ";
