"""The sidebar menu on a narrow screen: it closes once a page is chosen, as a phone's menu does."""

import streamlit as st

# Streamlit closes the menu after a choice only when the browser says it is a phone (its user agent); a narrow
# window of any other browser, or a phone asking for the desktop site, kept it open over the page. Below
# Streamlit's `md` breakpoint (where the sidebar covers the page) this closes it, unless Streamlit already did.
CLOSE_AFTER_CHOICE = """
<script>
if (!window.cdsMenuClosesAfterChoice) {
  window.cdsMenuClosesAfterChoice = true;
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNavLink"]') || window.innerWidth >= 768) return;
    setTimeout(() => {
      const close = document.querySelector(
        '[data-testid="stSidebar"] button[aria-controls="stSidebar"][aria-expanded="true"]');
      if (close) close.click();
    }, 0);
  });
}
</script>
"""


def close_menu_after_choice() -> None:
    """Close the sidebar menu after a page is chosen on a narrow screen (once per browser tab)."""
    st.sidebar.html(CLOSE_AFTER_CHOICE, unsafe_allow_javascript=True)
